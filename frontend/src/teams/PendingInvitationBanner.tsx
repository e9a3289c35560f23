import { useState } from 'react';
import { Link } from 'react-router';
import { useSignedInUser } from '../api/auth';
import { Button } from '../components/Button';
import { forgetInvitation, pendingInvitation } from './pendingInvitation';
import './teams.css';

/** Brings a user who signed up from an invitation link back to it, once they are signed in. */
export function PendingInvitationBanner() {
  const user = useSignedInUser();
  const [invitation, setInvitation] = useState(pendingInvitation);

  if (!invitation || invitation.email.toLowerCase() !== user.email.toLowerCase()) return null;
  return (
    <div role="region" aria-label="Invitation" className="notice app-banner pending-invitation">
      <p>
        You were invited to join <strong>{invitation.teamName}</strong>.
      </p>
      <div className="pending-invitation-actions">
        <Link to={`/invitations/${encodeURIComponent(invitation.token)}`} className="button button-primary">
          View the invitation
        </Link>
        <Button
          variant="quiet"
          onClick={() => {
            forgetInvitation(invitation.token);
            setInvitation(null);
          }}
        >
          Dismiss
        </Button>
      </div>
    </div>
  );
}
