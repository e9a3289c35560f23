import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useLogin, useMe } from '../api/auth';
import { AuthCard } from '../components/AuthCard';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { ResendVerification } from '../components/ResendVerification';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { safeNextPath } from '../lib/safeNextPath';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function LoginPage() {
  useDocumentTitle('Log in');
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const me = useMe();
  const login = useLogin();
  const formRef = useFocusFirstInvalidField(login.error);
  // The address the last attempt used, for "Resend verification e-mail".
  const [email, setEmail] = useState('');

  // Signed in — already, or by this form (useLogin stores the user).
  if (me.data) return <Navigate to={next} replace />;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = formValues(event, 'email', 'password');
    setEmail(values.email);
    login.mutate(values);
  }

  const fieldErrors = login.error?.fields;
  return (
    <AuthCard
      title="Log in"
      footer={
        <p>
          New to Scrollkeeper? <Link to="/signup">Create an account</Link>
        </p>
      }
    >
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        <FormError error={login.error} shownFields={['email', 'password']} />
        {login.error?.code === 'email_not_verified' && email && (
          <ResendVerification key={email} email={email} />
        )}
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          errors={fieldErrors?.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          errors={fieldErrors?.password}
        />
        <div className="form-row">
          <Button type="submit" pending={login.isPending} pendingText="Logging in…">
            Log in
          </Button>
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </form>
    </AuthCard>
  );
}
