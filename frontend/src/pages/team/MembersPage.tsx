import { useRef, useState } from 'react';
import { useSignedInUser } from '../../api/auth';
import type { ApiError } from '../../api/client';
import {
  useChangeMemberRole,
  useInvitations,
  useMembers,
  useRemoveMember,
  useResendInvitation,
  useRevokeInvitation,
} from '../../api/teams';
import type { Invitation, Member, Role } from '../../api/types';
import { Button } from '../../components/Button';
import { FormError } from '../../components/FormError';
import { formatDateTime } from '../../lib/formatDateTime';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ConfirmButton } from '../../teams/ConfirmButton';
import { useCan, useCurrentTeam } from '../../teams/currentTeam';
import { InviteDialog } from '../../teams/InviteDialog';
import { ROLES, roleLabel, withArticle } from '../../teams/roles';
import { seatsText } from '../../teams/seats';
import '../../teams/teams.css';

type Announce = (message: string) => void;

export function MembersPage() {
  useDocumentTitle('Members');
  const team = useCurrentTeam();
  const canManage = useCan('members.manage');
  const [inviting, setInviting] = useState(false);
  // Results of actions, read out by screen readers (the region must exist before it changes).
  const [announcement, setAnnouncement] = useState('');

  return (
    <>
      <div className="page-heading">
        <div>
          <h1>Members</h1>
          <p className="muted">{seatsText(team)}</p>
        </div>
        {canManage && <Button onClick={() => setInviting(true)}>Invite someone</Button>}
      </div>
      <p role="status" className="team-status">
        {announcement}
      </p>
      <MemberList announce={setAnnouncement} />
      {canManage && <InvitationList announce={setAnnouncement} />}
      {inviting && (
        <InviteDialog
          onClose={() => setInviting(false)}
          onInvited={(invitation) => {
            setInviting(false);
            setAnnouncement(`Invitation sent to ${invitation.email}.`);
          }}
        />
      )}
    </>
  );
}

function MemberList({ announce }: { announce: Announce }) {
  const team = useCurrentTeam();
  const members = useMembers(team.id);

  if (members.isPending) return <p role="status">Loading members…</p>;
  if (members.isError) return <LoadError error={members.error} onRetry={() => void members.refetch()} />;
  return (
    <section className="panel" aria-labelledby="members-heading">
      <h2 id="members-heading">People in {team.name}</h2>
      <div className="table-scroll">
        <table className="token-table team-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.results.map((member) => (
              <MemberRow key={member.id} member={member} announce={announce} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function MemberRow({ member, announce }: { member: Member; announce: Announce }) {
  const team = useCurrentTeam();
  const me = useSignedInUser();
  const canManage = useCan('members.manage');
  const canManageOwners = useCan('members.manage_owners');
  const name = member.user.name || member.user.email;
  const changeRole = useChangeMemberRole(team.id);
  const remove = useRemoveMember(team.id, () => announce(`${name} was removed from ${team.name}.`));
  // The role chosen but not saved yet; null shows the member's actual role (also as it reloads).
  const [draft, setDraft] = useState<Role | null>(null);
  const role = draft ?? member.role;
  const selectRef = useRef<HTMLSelectElement>(null);

  const isMe = member.user.id === me.id;
  // Admins may not touch owners; the server refuses anyway, this only hides what would fail.
  const canTouch = canManage && (member.role !== 'owner' || canManageOwners);
  const roleOptions = ROLES.filter((option) => option !== 'owner' || canManageOwners);

  function saveRole() {
    changeRole.mutate(
      { membershipId: member.id, role },
      {
        onSuccess: (saved) => {
          setDraft(null);
          announce(`${name} is now ${withArticle(saved.role)}.`);
          selectRef.current?.focus(); // the Save button that had focus is gone
        },
        // Refused (e.g. the last owner stepping down): the role shown goes back to the actual one,
        // and the server's reason stays under it.
        onError: () => {
          setDraft(null);
          selectRef.current?.focus();
        },
      },
    );
  }

  return (
    <tr>
      <th scope="row">
        <span className="member-name">
          {name}
          {isMe && <span className="muted"> (you)</span>}
        </span>
        <span className="member-email muted">{member.user.email}</span>
      </th>
      <td data-label="Role">
        {canTouch ? (
          <div className="role-control">
            <select
              ref={selectRef}
              className="select"
              aria-label={`Role of ${name}`}
              value={role}
              onChange={(event) => {
                changeRole.reset();
                const chosen = event.target.value as Role;
                setDraft(chosen === member.role ? null : chosen);
              }}
            >
              {roleOptions.map((option) => (
                <option key={option} value={option}>
                  {roleLabel(option)}
                </option>
              ))}
            </select>
            {role !== member.role && (
              <>
                <Button pending={changeRole.isPending} pendingText="Saving…" onClick={saveRole}>
                  Save role
                </Button>
                <Button
                  variant="quiet"
                  onClick={() => {
                    changeRole.reset();
                    setDraft(null);
                  }}
                >
                  Cancel
                </Button>
              </>
            )}
            <FormError error={changeRole.error} />
          </div>
        ) : (
          roleLabel(member.role)
        )}
      </td>
      <td data-label="Joined">
        <time dateTime={member.joined_at}>{formatDateTime(member.joined_at)}</time>
      </td>
      <td className="token-actions">
        {canTouch && !isMe && (
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${name}`}
            question={`Remove ${name} from ${team.name}?`}
            confirmLabel="Yes, remove"
            pendingText="Removing…"
            pending={remove.isPending}
            error={remove.error}
            onAsk={remove.reset}
            onConfirm={() => remove.mutate(member.id)}
          />
        )}
      </td>
    </tr>
  );
}

function InvitationList({ announce }: { announce: Announce }) {
  const team = useCurrentTeam();
  const invitations = useInvitations(team.id);

  return (
    <section className="panel" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Pending invitations</h2>
      {invitations.isPending ? (
        <p role="status">Loading invitations…</p>
      ) : invitations.isError ? (
        <LoadError error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.data.results.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <div className="table-scroll">
          <table className="token-table team-table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Invited by</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.results.map((invitation) => (
                <InvitationRow key={invitation.id} invitation={invitation} announce={announce} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function InvitationRow({ invitation, announce }: { invitation: Invitation; announce: Announce }) {
  const team = useCurrentTeam();
  const resend = useResendInvitation(team.id);
  const revoke = useRevokeInvitation(team.id);
  const expired = invitation.status === 'expired';

  return (
    <tr>
      <th scope="row">{invitation.email}</th>
      <td data-label="Role">{roleLabel(invitation.role)}</td>
      <td data-label="Status">
        {expired ? <span className="badge badge-warning">Expired</span> : 'Pending'}
        <span className="muted">
          {' '}
          {expired ? 'on' : 'until'}{' '}
          <time dateTime={invitation.expires_at}>{formatDateTime(invitation.expires_at)}</time>
        </span>
      </td>
      <td data-label="Invited by">{invitation.invited_by?.name ?? '—'}</td>
      <td className="token-actions">
        <div className="row-actions">
          <Button
            variant="secondary"
            aria-label={`Resend the invitation to ${invitation.email}`}
            pending={resend.isPending}
            pendingText="Sending…"
            onClick={() =>
              resend.mutate(invitation.id, {
                onSuccess: () => announce(`Invitation sent again to ${invitation.email}.`),
              })
            }
          >
            Resend
          </Button>
          <ConfirmButton
            label="Revoke"
            ariaLabel={`Revoke the invitation to ${invitation.email}`}
            question="Revoke this invitation? Its link will stop working."
            confirmLabel="Yes, revoke"
            pendingText="Revoking…"
            pending={revoke.isPending}
            error={revoke.error}
            onAsk={revoke.reset}
            onConfirm={() =>
              revoke.mutate(invitation.id, {
                onSuccess: () => announce(`The invitation to ${invitation.email} was revoked.`),
              })
            }
          />
        </div>
        <FormError error={resend.error} />
      </td>
    </tr>
  );
}

function LoadError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <div className="stack">
      <FormError error={error} />
      <Button variant="secondary" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
