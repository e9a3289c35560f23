import { Navigate, Outlet, useLocation } from 'react-router';
import { useMe } from '../api/auth';
import { SessionFallback } from './SessionFallback';

/** Renders the nested routes for signed-in users; sends everyone else to /login?next=<here>. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();

  if (me.data === undefined) {
    return <SessionFallback error={me.error} onRetry={() => void me.refetch()} />;
  }
  if (me.data === null) {
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
