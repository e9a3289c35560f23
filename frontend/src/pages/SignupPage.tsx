import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useSignup } from '../api/auth';
import { AuthCard } from '../components/AuthCard';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Notice } from '../components/Notice';
import { ResendVerification } from '../components/ResendVerification';
import { formValues, useFocusFirstInvalidField } from '../lib/forms';
import { safeNextPath } from '../lib/safeNextPath';
import { useDocumentTitle } from '../lib/useDocumentTitle';

const FIELDS = ['email', 'display_name', 'password'] as const;

export function SignupPage() {
  useDocumentTitle('Sign up');
  const signup = useSignup();
  // Where to go once verified and logged in (e.g. the invitation the visitor came from): the e-mailed link carries it.
  const [searchParams] = useSearchParams();
  const nextPath = safeNextPath(searchParams.get('next'), '');
  const formRef = useFocusFirstInvalidField(signup.error);
  const loginPath = nextPath ? `/login?next=${encodeURIComponent(nextPath)}` : '/login';

  if (signup.isSuccess) {
    return (
      <AuthCard
        title="Check your inbox"
        footer={
          <p>
            Verified already? <Link to={loginPath}>Log in</Link>
          </p>
        }
      >
        <Notice>
          <p>
            We sent a verification link to <strong>{signup.variables.email}</strong>. Open it to activate your
            account, then log in.
          </p>
        </Notice>
        <p className="muted">Didn't get it? Check your spam folder, or send it again.</p>
        <ResendVerification email={signup.variables.email} />
      </AuthCard>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signup.mutate({ ...formValues(event, ...FIELDS), next_path: nextPath });
  }

  const fieldErrors = signup.error?.fields;
  return (
    <AuthCard
      title="Create your account"
      footer={
        <p>
          Already have an account? <Link to={loginPath}>Log in</Link>
        </p>
      }
    >
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        <FormError error={signup.error} shownFields={[...FIELDS]} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          errors={fieldErrors?.email}
          errorAction={
            // The server's detail says "Log in, or reset your password": these are the ways there.
            signup.error?.code === 'email_taken' && (
              <>
                <Link to={loginPath}>Log in</Link>, or <Link to="/forgot-password">reset your password</Link>.
              </>
            )
          }
        />
        <Field
          label="Display name"
          name="display_name"
          autoComplete="name"
          required
          errors={fieldErrors?.display_name}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          errors={fieldErrors?.password}
        />
        <Button type="submit" pending={signup.isPending} pendingText="Signing up…">
          Sign up
        </Button>
      </form>
    </AuthCard>
  );
}
