import { Link } from 'react-router';
import { AuthCard } from '../components/AuthCard';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <AuthCard title="Page not found">
      <p>There's nothing at this address. It may have moved, or the link may be mistyped.</p>
      <Link to="/" className="button button-primary">
        Go to the home page
      </Link>
    </AuthCard>
  );
}
