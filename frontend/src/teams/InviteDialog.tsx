import type { FormEvent } from 'react';
import { useCreateInvitation } from '../api/teams';
import type { Invitation, Role } from '../api/types';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { useCurrentTeam } from './currentTeam';
import { Dialog } from './Dialog';
import { INVITABLE_ROLES, roleDescription, roleLabel } from './roles';
import { SelectField } from './SelectField';
import { seatsText } from './seats';

const ROLE_OPTIONS = INVITABLE_ROLES.map((role) => ({
  value: role,
  label: `${roleLabel(role)} — ${roleDescription(role)}`,
}));

interface InviteDialogProps {
  onClose: () => void;
  onInvited: (invitation: Invitation) => void;
}

/** Invite someone by e-mail; the server mails them a link to /invitations/<token>. */
export function InviteDialog({ onClose, onInvited }: InviteDialogProps) {
  const team = useCurrentTeam();
  const invite = useCreateInvitation(team.id);
  const formRef = useFocusFirstInvalidField(invite.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { email, role } = formValues(event, 'email', 'role');
    invite.mutate({ email, role: role as Role }, { onSuccess: onInvited });
  }

  return (
    <Dialog title={`Invite someone to ${team.name}`} onClose={onClose}>
      <p className="muted">{seatsText(team)}. A pending invitation holds a seat until it expires.</p>
      <form ref={formRef} className="form" onSubmit={handleSubmit} noValidate={false}>
        <FormError error={invite.error} shownFields={['email', 'role']} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          data-autofocus
          errors={invite.error?.fields.email}
        />
        <SelectField
          label="Role"
          name="role"
          defaultValue="viewer"
          options={ROLE_OPTIONS}
          errors={invite.error?.fields.role}
        />
        <div className="dialog-actions">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={invite.isPending} pendingText="Sending…">
            Send invitation
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
