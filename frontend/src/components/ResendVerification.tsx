import type { FormEvent } from 'react';
import { useResendVerification } from '../api/auth';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { Button } from './Button';
import { Field } from './Field';
import { FormError } from './FormError';
import { Notice } from './Notice';

/**
 * "Resend verification e-mail": just the button when the address is known,
 * otherwise a small form asking for it.
 */
export function ResendVerification({ email }: { email?: string }) {
  const resend = useResendVerification();
  const formRef = useFocusFirstInvalidField(resend.error);

  if (resend.isSuccess) return <Notice>{resend.data.detail}</Notice>;

  if (email) {
    return (
      <div className="stack">
        <FormError error={resend.error} />
        <Button
          variant="secondary"
          pending={resend.isPending}
          pendingText="Sending…"
          onClick={() => resend.mutate(email)}
        >
          Resend verification e-mail
        </Button>
      </div>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    resend.mutate(formValues(event, 'email').email);
  }

  return (
    <form ref={formRef} className="form" onSubmit={handleSubmit}>
      <FormError error={resend.error} shownFields={['email']} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        errors={resend.error?.fields.email}
      />
      <Button type="submit" variant="secondary" pending={resend.isPending} pendingText="Sending…">
        Resend verification e-mail
      </Button>
    </form>
  );
}
