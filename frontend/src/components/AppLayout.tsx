import { Link, NavLink, Outlet } from 'react-router';
import { useLogout, useSignedInUser } from '../api/auth';
import type { Permission } from '../api/types';
import { useLiveUpdates } from '../realtime/useLiveUpdates';
import { teamUrl, useOptionalCurrentTeam } from '../teams/currentTeam';
import { PendingInvitationBanner } from '../teams/PendingInvitationBanner';
import { TeamSwitcher } from '../teams/TeamSwitcher';
import { Button } from './Button';
import { NotificationBell } from './NotificationBell';

/** The frame around every signed-in page. */
export function AppLayout() {
  const user = useSignedInUser();
  const logout = useLogout();
  const team = useOptionalCurrentTeam();
  const library = team ? teamUrl(team.id) : '/library';
  useLiveUpdates();
  const can = (permission: Permission) => team?.permissions.includes(permission) ?? false;

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <Link to={library} className="app-brand">
          Scrollkeeper
        </Link>
        <TeamSwitcher />
        <nav aria-label="Main" className="app-nav">
          <NavLink to={library}>Library</NavLink>
          {team && (
            <>
              <NavLink to={teamUrl(team.id, 'members')}>Members</NavLink>
              {(can('team.update') || can('team.leave')) && (
                <NavLink to={teamUrl(team.id, 'settings')}>Settings</NavLink>
              )}
              {can('audit.view') && <NavLink to={teamUrl(team.id, 'audit-log')}>Audit log</NavLink>}
            </>
          )}
          <NavLink to="/account">Account</NavLink>
        </nav>
        <div className="app-user">
          {team && <NotificationBell teamId={team.id} />}
          <span className="app-user-name" title={user.email}>
            {user.display_name || user.email}
          </span>
          <Button
            variant="quiet"
            pending={logout.isPending}
            pendingText="Logging out…"
            onClick={() => logout.mutate()}
          >
            Log out
          </Button>
        </div>
      </header>
      {logout.error && (
        <div role="alert" className="form-error app-banner">
          <p>{logout.error.detail}</p>
        </div>
      )}
      <PendingInvitationBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
