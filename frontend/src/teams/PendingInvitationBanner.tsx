import { useState } from 'react';
import { Link } from 'react-router';
import { useSignedInUser } from '../api/auth';
import { useMyInvitations } from '../api/teams';
import { Button } from '../components/Button';
import { forgetInvitation, pendingInvitation } from './pendingInvitation';
import { withArticle } from './roles';
import './teams.css';

interface Offer {
  token: string;
  /** "Ada Admin invited you to join Optics Lab as an editor." */
  text: string;
}

/**
 * Offers the invitations waiting for the signed-in user: those the server lists for their address
 * (someone invited them while they already had an account), and the one remembered in this browser
 * from a link opened before signing up.
 */
export function PendingInvitationBanner() {
  const user = useSignedInUser();
  const mine = useMyInvitations();
  const [remembered, setRemembered] = useState(pendingInvitation);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());

  const listed = mine.data?.results ?? [];
  const offers: Offer[] = listed.map((invitation) => ({
    token: invitation.token,
    text: `${invitation.inviter_name ?? 'Someone'} invited you to join ${invitation.team_name} as ${withArticle(invitation.role)}.`,
  }));
  // The remembered one, unless the server lists the same team's (under a token of its own).
  if (
    remembered &&
    remembered.email.toLowerCase() === user.email.toLowerCase() &&
    !listed.some((invitation) => invitation.team_name === remembered.teamName)
  ) {
    offers.push({ token: remembered.token, text: `You were invited to join ${remembered.teamName}.` });
  }
  const shown = offers.filter((offer) => !dismissed.has(offer.token));
  if (shown.length === 0) return null;

  function dismiss(token: string) {
    setDismissed((before) => new Set(before).add(token));
    if (remembered?.token === token) {
      forgetInvitation(token);
      setRemembered(null);
    }
  }

  return (
    <div role="region" aria-label="Invitations" className="notice app-banner pending-invitations">
      {shown.map((offer) => (
        <div key={offer.token} className="pending-invitation">
          <p>{offer.text}</p>
          <div className="pending-invitation-actions">
            <Link to={`/invitations/${encodeURIComponent(offer.token)}`} className="button button-primary">
              View the invitation
            </Link>
            <Button variant="quiet" onClick={() => dismiss(offer.token)}>
              Dismiss
            </Button>
          </div>
        </div>
      ))}
    </div>
  );
}
