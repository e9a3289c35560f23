import { Link, NavLink, Outlet } from 'react-router';
import { useLogout, useSignedInUser } from '../api/auth';
import { teamUrl, useOptionalCurrentTeam } from '../teams/currentTeam';
import { Button } from './Button';

/** The frame around every signed-in page. */
export function AppLayout() {
  const user = useSignedInUser();
  const logout = useLogout();
  const team = useOptionalCurrentTeam();
  const library = team ? teamUrl(team.id) : '/library';

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <Link to={library} className="app-brand">
          Scrollkeeper
        </Link>
        <nav aria-label="Main" className="app-nav">
          <NavLink to={library}>Library</NavLink>
          <NavLink to="/account">Account</NavLink>
        </nav>
        <div className="app-user">
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
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
