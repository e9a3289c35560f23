import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useCreateTeam } from '../../api/teams';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { formValues, useFocusFirstInvalidField } from '../../lib/forms';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { teamUrl } from '../../teams/currentTeam';

export function CreateTeamPage() {
  useDocumentTitle('Create a team');
  const create = useCreateTeam();
  const navigate = useNavigate();
  const formRef = useFocusFirstInvalidField(create.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(formValues(event, 'name').name, {
      onSuccess: (team) => navigate(teamUrl(team.id, 'members')),
    });
  }

  return (
    <>
      <h1>Create a team</h1>
      <section className="panel" aria-labelledby="create-team-heading">
        <h2 id="create-team-heading" className="visually-hidden">
          New team
        </h2>
        <p className="muted">
          A team has its own library. You will be its owner, and can invite colleagues next.
        </p>
        <form ref={formRef} className="form" onSubmit={handleSubmit}>
          <FormError error={create.error} shownFields={['name']} />
          <Field
            label="Team name"
            name="name"
            maxLength={100}
            autoComplete="off"
            required
            errors={create.error?.fields.name}
          />
          <Button type="submit" pending={create.isPending} pendingText="Creating…">
            Create team
          </Button>
        </form>
      </section>
    </>
  );
}
