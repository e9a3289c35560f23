import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { useRequestPasswordReset } from '../api/auth';
import { AuthCard } from '../components/AuthCard';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Notice } from '../components/Notice';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function ForgotPasswordPage() {
  useDocumentTitle('Forgot password');
  const reset = useRequestPasswordReset();
  const formRef = useFocusFirstInvalidField(reset.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reset.mutate(formValues(event, 'email').email);
  }

  return (
    <AuthCard
      title="Reset your password"
      footer={
        <p>
          Remembered it? <Link to="/login">Log in</Link>
        </p>
      }
    >
      {reset.isSuccess ? (
        <Notice>
          <p>
            If an account exists for <strong>{reset.variables}</strong>, a reset link is on its way.
          </p>
        </Notice>
      ) : (
        <form ref={formRef} className="form" onSubmit={handleSubmit}>
          <p className="muted">
            Enter the email you signed up with and we'll send you a link to choose a new password.
          </p>
          <FormError error={reset.error} shownFields={['email']} />
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            errors={reset.error?.fields.email}
          />
          <Button type="submit" pending={reset.isPending} pendingText="Sending…">
            Send reset link
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
