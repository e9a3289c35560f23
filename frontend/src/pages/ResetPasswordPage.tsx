import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useConfirmPasswordReset } from '../api/auth';
import { AuthCard } from '../components/AuthCard';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Notice } from '../components/Notice';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function ResetPasswordPage() {
  useDocumentTitle('Reset password');
  const { uid = '', token = '' } = useParams();
  const confirm = useConfirmPasswordReset();
  const formRef = useFocusFirstInvalidField(confirm.error);

  if (confirm.isSuccess) {
    return (
      <AuthCard title="Your password has been changed">
        <Notice>
          <p>{confirm.data.detail}</p>
        </Notice>
        <Link to="/login" className="button button-primary">
          Log in
        </Link>
      </AuthCard>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    confirm.mutate({ uid, token, ...formValues(event, 'new_password') });
  }

  return (
    <AuthCard title="Choose a new password">
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        <FormError error={confirm.error} shownFields={['new_password']} />
        {confirm.error?.code === 'invalid_token' && (
          <p>
            <Link to="/forgot-password">Request a new reset link</Link>
          </p>
        )}
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          errors={confirm.error?.fields.new_password}
        />
        <Button type="submit" pending={confirm.isPending} pendingText="Saving…">
          Set new password
        </Button>
      </form>
    </AuthCard>
  );
}
