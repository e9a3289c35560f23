import type { FormEvent } from 'react';
import { useChangePassword } from '../../api/auth';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { Notice } from '../../components/Notice';
import { formValues, useFocusFirstInvalidField } from '../../lib/forms';

const FIELDS = ['current_password', 'new_password'] as const;

export function ChangePasswordSection({ email }: { email: string }) {
  const change = useChangePassword();
  const formRef = useFocusFirstInvalidField(change.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    change.mutate(formValues(event, ...FIELDS), { onSuccess: () => form.reset() });
  }

  const fieldErrors = change.error?.fields;
  return (
    <section className="panel" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      {change.isSuccess && (
        <Notice key={change.submittedAt}>
          <p>{change.data.detail}</p>
        </Notice>
      )}
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        {/* Lets password managers know whose password this is. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <FormError error={change.error} shownFields={[...FIELDS]} />
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          errors={fieldErrors?.current_password}
        />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          errors={fieldErrors?.new_password}
        />
        <Button type="submit" pending={change.isPending} pendingText="Changing…">
          Change password
        </Button>
      </form>
    </section>
  );
}
