import { useState, type FormEvent } from 'react';
import { useSignedInUser } from '../../api/auth';
import {
  useDeleteTeam,
  useLeaveTeam,
  useMembers,
  useRenameTeam,
  useTransferOwnership,
} from '../../api/teams';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { Notice } from '../../components/Notice';
import { formValues, useFocusFirstInvalidField } from '../../lib/forms';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ConfirmButton } from '../../teams/ConfirmButton';
import { useCan, useCurrentTeam } from '../../teams/currentTeam';
import { roleLabel, withArticle } from '../../teams/roles';
import { SelectField } from '../../teams/SelectField';
import '../../teams/teams.css';

export function TeamSettingsPage() {
  useDocumentTitle('Team settings');
  const team = useCurrentTeam();
  const canRename = useCan('team.update');
  const canTransfer = useCan('team.transfer_ownership');
  const canLeave = useCan('team.leave');
  const canDelete = useCan('team.delete');
  // Kept here, not in the transfer section, which disappears once the user is no longer an owner.
  const [transferredTo, setTransferredTo] = useState<string | null>(null);

  return (
    <>
      <h1>Team settings</h1>
      <p className="muted">
        {team.name} · you are {withArticle(team.role)} of this team
      </p>
      {transferredTo && (
        <Notice>
          <p>
            {transferredTo} is now an owner of {team.name}. You are an admin.
          </p>
        </Notice>
      )}
      {canRename && <RenameSection />}
      {canTransfer && <TransferSection onTransferred={setTransferredTo} />}
      {canLeave && <LeaveSection />}
      {canDelete && <DeleteSection />}
    </>
  );
}

function RenameSection() {
  const team = useCurrentTeam();
  const rename = useRenameTeam(team.id);
  const formRef = useFocusFirstInvalidField(rename.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate(formValues(event, 'name').name);
  }

  return (
    <section className="panel" aria-labelledby="rename-heading">
      <h2 id="rename-heading">Team name</h2>
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        {rename.isSuccess && (
          <Notice>
            <p>Saved. The team is now called “{rename.data.name}”.</p>
          </Notice>
        )}
        <FormError error={rename.error} shownFields={['name']} />
        <Field
          label="Name"
          name="name"
          defaultValue={team.name}
          maxLength={100}
          required
          autoComplete="off"
          errors={rename.error?.fields.name}
          onChange={() => rename.isSuccess && rename.reset()}
        />
        <Button type="submit" pending={rename.isPending} pendingText="Saving…">
          Save name
        </Button>
      </form>
    </section>
  );
}

function TransferSection({ onTransferred }: { onTransferred: (name: string) => void }) {
  const team = useCurrentTeam();
  const me = useSignedInUser();
  const members = useMembers(team.id);
  const transfer = useTransferOwnership(team.id);
  const [membershipId, setMembershipId] = useState('');

  const candidates = (members.data?.results ?? []).filter(
    (member) => member.user.id !== me.id && member.role !== 'owner',
  );
  const chosen = candidates.find((member) => member.id === membershipId);
  const chosenName = chosen ? chosen.user.name || chosen.user.email : '';

  return (
    <section className="panel" aria-labelledby="transfer-heading">
      <h2 id="transfer-heading">Transfer ownership</h2>
      <p className="muted">The member you choose becomes an owner, and you become an admin.</p>
      {members.isPending ? (
        <p role="status">Loading members…</p>
      ) : members.isError ? (
        <FormError error={members.error} />
      ) : candidates.length === 0 ? (
        <p>There is nobody to transfer ownership to yet: invite someone first.</p>
      ) : (
        <div className="form">
          <SelectField
            label="New owner"
            name="membership_id"
            value={membershipId}
            onChange={(event) => {
              transfer.reset();
              setMembershipId(event.target.value);
            }}
            options={[
              { value: '', label: 'Choose a member…' },
              ...candidates.map((member) => ({
                value: member.id,
                label: `${member.user.name || member.user.email} (${roleLabel(member.role)})`,
              })),
            ]}
          />
          {chosen && (
            <ConfirmButton
              key={chosen.id}
              label="Transfer ownership"
              question={`Make ${chosenName} an owner of ${team.name}? You will become an admin.`}
              confirmLabel="Yes, transfer"
              pendingText="Transferring…"
              pending={transfer.isPending}
              error={transfer.error}
              onAsk={transfer.reset}
              onConfirm={() => transfer.mutate(chosen.id, { onSuccess: () => onTransferred(chosenName) })}
            />
          )}
        </div>
      )}
    </section>
  );
}

function LeaveSection() {
  const team = useCurrentTeam();
  const leave = useLeaveTeam(team.id);
  return (
    <section className="panel" aria-labelledby="leave-heading">
      <h2 id="leave-heading">Leave the team</h2>
      <p className="muted">You will lose access to its library. Someone will have to invite you again.</p>
      <ConfirmButton
        label="Leave team"
        question={`Leave ${team.name}?`}
        confirmLabel="Yes, leave"
        pendingText="Leaving…"
        pending={leave.isPending}
        error={leave.error}
        onAsk={leave.reset}
        onConfirm={() => leave.mutate()}
      />
    </section>
  );
}

function DeleteSection() {
  const team = useCurrentTeam();
  const remove = useDeleteTeam(team.id);
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === team.name;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (matches) remove.mutate();
  }

  return (
    <section className="panel danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete the team</h2>
      <p>
        This deletes {team.name} and everything in it — documents, annotations, members and invitations. It
        cannot be undone.
      </p>
      <form className="form" onSubmit={handleSubmit}>
        <FormError error={remove.error} />
        <Field
          label={`Type the team's name, “${team.name}”, to confirm`}
          name="confirm_name"
          autoComplete="off"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        <Button
          type="submit"
          variant="danger"
          disabled={!matches}
          pending={remove.isPending}
          pendingText="Deleting…"
        >
          Delete this team
        </Button>
      </form>
    </section>
  );
}
