import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { authKeys, logout, useMe } from '../../api/auth';
import { teamKeys, useAcceptInvitation, useInvitationPreview } from '../../api/teams';
import type { InvitationPreview, InvitationStatus, User } from '../../api/types';
import { AuthCard } from '../../components/AuthCard';
import { Button } from '../../components/Button';
import { FormError } from '../../components/FormError';
import { SessionFallback } from '../../components/SessionFallback';
import { formatDateTime } from '../../lib/formatDateTime';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { teamUrl } from '../../teams/currentTeam';
import { forgetInvitation, rememberInvitation } from '../../teams/pendingInvitation';
import { roleDescription, roleLabel } from '../../teams/roles';
import '../../teams/teams.css';

// What the preview's status means; the same words as the server's refusal when accepting.
const UNUSABLE: Record<Exclude<InvitationStatus, 'pending'>, string> = {
  accepted: 'This invitation has already been used.',
  revoked: 'This invitation has been withdrawn.',
  expired: 'This invitation has expired. Ask the person who invited you to send it again.',
};

// Refusals after which the link will never work; the reminder in the header is dropped.
const FINAL_CODES = new Set(['invalid_token', 'invitation_used', 'invitation_revoked', 'invitation_expired']);

/** /invitations/:token, the page the invitation e-mail links to. Public: it works signed out. */
export function AcceptInvitationPage() {
  useDocumentTitle('Invitation');
  const { token = '' } = useParams();
  const me = useMe();
  const preview = useInvitationPreview(token);

  const invitation = preview.data;
  const signedOut = me.data === null;
  useEffect(() => {
    if (!invitation) return;
    if (invitation.status !== 'pending') forgetInvitation(token);
    else if (signedOut) {
      // Sign-up goes through a verification e-mail and the login page; this brings them back here.
      rememberInvitation({ token, teamName: invitation.team_name, email: invitation.email });
    }
  }, [invitation, signedOut, token]);
  useEffect(() => {
    if (preview.error?.code === 'invalid_token') forgetInvitation(token);
  }, [preview.error, token]);

  if (preview.isError) {
    return (
      <AuthCard title="This invitation can't be used">
        <div role="alert" className="form-error">
          <p>{preview.error.detail}</p>
        </div>
        <p>
          <Link to="/">Go to Scrollkeeper</Link>
        </p>
      </AuthCard>
    );
  }
  if (!invitation || me.data === undefined) {
    if (me.error) return <SessionFallback error={me.error} onRetry={() => void me.refetch()} />;
    return (
      <AuthCard title="Invitation">
        <p role="status">Loading the invitation…</p>
      </AuthCard>
    );
  }
  if (invitation.status !== 'pending') {
    return (
      <AuthCard title="This invitation can't be used">
        <div role="alert" className="form-error">
          <p>{UNUSABLE[invitation.status]}</p>
        </div>
        <InvitationDetails invitation={invitation} />
        <p>
          <Link to="/">Go to Scrollkeeper</Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={`Join ${invitation.team_name}`}>
      <p>
        {invitation.inviter_name ?? 'Someone'} invited you to join <strong>{invitation.team_name}</strong> on
        Scrollkeeper.
      </p>
      <InvitationDetails invitation={invitation} />
      {me.data ? (
        <AcceptForm token={token} invitation={invitation} user={me.data} />
      ) : (
        <SignedOutChoices token={token} invitation={invitation} />
      )}
    </AuthCard>
  );
}

function InvitationDetails({ invitation }: { invitation: InvitationPreview }) {
  return (
    <dl className="details invitation-details">
      <dt>Team</dt>
      <dd>{invitation.team_name}</dd>
      <dt>Invited by</dt>
      <dd>{invitation.inviter_name ?? '—'}</dd>
      <dt>Role</dt>
      <dd>
        {roleLabel(invitation.role)} <span className="muted">({roleDescription(invitation.role)})</span>
      </dd>
      <dt>Sent to</dt>
      <dd>{invitation.email}</dd>
      <dt>{invitation.status === 'pending' ? 'Valid until' : 'Expires'}</dt>
      <dd>
        <time dateTime={invitation.expires_at}>{formatDateTime(invitation.expires_at)}</time>
      </dd>
    </dl>
  );
}

function AcceptForm({
  token,
  invitation,
  user,
}: {
  token: string;
  invitation: InvitationPreview;
  user: User;
}) {
  const accept = useAcceptInvitation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Signing out stays on this page, which then offers to log in with the invited address.
  const signOut = useMutation({
    mutationFn: logout,
    onSuccess: () => {
      // Everything cached for the previous user goes (the next one may sign in here), but who is signed
      // in (no one now) and this page's invitation.
      queryClient.setQueryData(authKeys.me, null);
      const kept = new Set([JSON.stringify(authKeys.me), JSON.stringify(teamKeys.invitation(token))]);
      queryClient.removeQueries({ predicate: (query) => !kept.has(JSON.stringify(query.queryKey)) });
    },
  });
  const otherAddress = user.email.toLowerCase() !== invitation.email.toLowerCase();

  function join() {
    accept.mutate(token, {
      onSuccess: (team) => {
        forgetInvitation(token);
        navigate(teamUrl(team.id), { replace: true });
      },
      onError: (error) => {
        if (FINAL_CODES.has(error.code)) forgetInvitation(token);
      },
    });
  }

  return (
    <div className="stack" aria-live="polite">
      {otherAddress && (
        <p>
          You are signed in as <strong>{user.email}</strong>, but this invitation was sent to{' '}
          <strong>{invitation.email}</strong>.
        </p>
      )}
      <FormError error={accept.error} />
      {accept.error?.code === 'already_member' && (
        <p>
          <Link to="/library">Go to your library</Link>
        </p>
      )}
      <div className="invitation-actions">
        <Button pending={accept.isPending} pendingText="Joining…" onClick={join}>
          Join {invitation.team_name}
        </Button>
        {otherAddress && (
          <Button
            variant="secondary"
            pending={signOut.isPending}
            pendingText="Logging out…"
            onClick={() => signOut.mutate()}
          >
            Log out to use {invitation.email}
          </Button>
        )}
      </div>
      <FormError error={signOut.error} />
    </div>
  );
}

function SignedOutChoices({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const next = encodeURIComponent(`/invitations/${token}`);
  return (
    <div className="stack">
      <p>
        Log in as <strong>{invitation.email}</strong> to accept.
      </p>
      <Link to={`/login?next=${next}`} className="button button-primary invitation-login">
        Log in to accept
      </Link>
      <h2 className="invitation-subheading">No account yet?</h2>
      <p>
        <Link to={`/signup?next=${next}`}>Create an account</Link> with <strong>{invitation.email}</strong>.
        We will e-mail you a link to confirm the address; it brings you back here to log in and join.
      </p>
    </div>
  );
}
