import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useVerifyEmail } from '../api/auth';
import { AuthCard } from '../components/AuthCard';
import { Notice } from '../components/Notice';
import { ResendVerification } from '../components/ResendVerification';
import { safeNextPath } from '../lib/safeNextPath';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function VerifyEmailPage() {
  useDocumentTitle('Verify email');
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token');
  const nextPath = safeNextPath(searchParams.get('next'), '');
  const verify = useVerifyEmail();
  const { mutate } = verify;

  // Verification tokens are single-use: post each token once, even when
  // React runs effects twice (StrictMode in development).
  const postedToken = useRef<string | null>(null);
  useEffect(() => {
    if (token && postedToken.current !== token) {
      postedToken.current = token;
      mutate(token);
    }
  }, [token, mutate]);

  if (verify.isSuccess) {
    return (
      <AuthCard title="Email verified">
        <Notice>
          <p>Thanks — your email address is confirmed. You can now log in.</p>
        </Notice>
        <Link
          to={nextPath ? `/login?next=${encodeURIComponent(nextPath)}` : '/login'}
          className="button button-primary"
        >
          Log in
        </Link>
      </AuthCard>
    );
  }

  if (token && !verify.isError) {
    return (
      <AuthCard title="Verifying your email…">
        <p role="status">One moment while we confirm your address.</p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="We couldn't verify your email">
      <div role="alert" className="form-error">
        <p>
          {verify.error?.detail ??
            'This verification link is incomplete. Use the link from the e-mail exactly as sent.'}
        </p>
      </div>
      <p>Enter your email and we'll send you a new verification link.</p>
      <ResendVerification />
    </AuthCard>
  );
}
