import { useSignedInUser } from '../api/auth';
import { formatDateTime } from '../lib/formatDateTime';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { ApiTokensSection } from './account/ApiTokensSection';
import { ChangePasswordSection } from './account/ChangePasswordSection';

export function AccountPage() {
  useDocumentTitle('Account');
  const user = useSignedInUser();

  return (
    <>
      <h1>Account</h1>
      <section className="panel" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="details">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Display name</dt>
          <dd>{user.display_name}</dd>
          <dt>Member since</dt>
          <dd>
            <time dateTime={user.date_joined}>{formatDateTime(user.date_joined)}</time>
          </dd>
        </dl>
      </section>
      <ChangePasswordSection email={user.email} />
      <ApiTokensSection />
    </>
  );
}
