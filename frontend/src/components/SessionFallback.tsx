import type { ApiError } from '../api/client';
import { Button } from './Button';

interface SessionFallbackProps {
  error: ApiError | null;
  onRetry: () => void;
}

/** Shown while we don't yet know whether the user is signed in. */
export function SessionFallback({ error, onRetry }: SessionFallbackProps) {
  if (!error) {
    return (
      <p className="page-status" role="status">
        Loading…
      </p>
    );
  }
  return (
    <div className="page-status">
      <div role="alert" className="form-error">
        <p>{error.detail}</p>
      </div>
      <Button variant="secondary" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
