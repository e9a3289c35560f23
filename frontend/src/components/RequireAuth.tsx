import { Navigate, Outlet, useLocation } from 'react-router';
import { useMe } from '../api/auth';
import { useLiveUpdates } from '../realtime/useLiveUpdates';
import { SessionFallback } from './SessionFallback';

/**
 * Renders the nested routes for signed-in users; sends everyone else to /login?next=<here>. Holds the
 * one live socket for all of them, so that moving between pages (the account, a team, another team)
 * keeps it rather than closing it and opening another.
 */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  useLiveUpdates(Boolean(me.data));

  if (me.data === undefined) {
    return <SessionFallback error={me.error} onRetry={() => void me.refetch()} />;
  }
  if (me.data === null) {
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
