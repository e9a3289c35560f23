import type { ReactNode } from 'react';
import { Link } from 'react-router';

interface AuthCardProps {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}

/** The centered card used by the signed-out pages. */
export function AuthCard({ title, children, footer }: AuthCardProps) {
  return (
    <div className="auth-page">
      <Link to="/" className="auth-brand">
        Scrollkeeper
      </Link>
      <main className="auth-card">
        <h1>{title}</h1>
        {children}
      </main>
      {footer && <div className="auth-footer">{footer}</div>}
    </div>
  );
}
