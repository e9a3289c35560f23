import { useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useLogout, useSignedInUser } from '../api/auth';
import type { Permission } from '../api/types';
import { useDismiss } from '../lib/useDismiss';
import { teamUrl, useOptionalCurrentTeam } from '../teams/currentTeam';
import { PendingInvitationBanner } from '../teams/PendingInvitationBanner';
import { TeamSwitcher } from '../teams/TeamSwitcher';
import { Button } from './Button';
import { NotificationBell } from './NotificationBell';

const MENU_ID = 'app-menu';

/** The frame around every signed-in page. */
export function AppLayout() {
  const user = useSignedInUser();
  const logout = useLogout();
  const team = useOptionalCurrentTeam();
  const library = team ? teamUrl(team.id) : '/library';
  const can = (permission: Permission) => team?.permissions.includes(permission) ?? false;
  const menu = useHeaderMenu();

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      {/* On narrow screens the links and the account fold into the Menu button (styles.css). */}
      <header className="app-header" ref={menu.headerRef}>
        <Link to={library} className="app-brand">
          Scrollkeeper
        </Link>
        <TeamSwitcher />
        {team && <NotificationBell teamId={team.id} />}
        <button
          ref={menu.buttonRef}
          type="button"
          className="button button-quiet app-menu-toggle"
          aria-expanded={menu.open}
          aria-controls={MENU_ID}
          onClick={menu.toggle}
        >
          Menu
        </button>
        <div id={MENU_ID} className={menu.open ? 'app-menu is-open' : 'app-menu'}>
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

/**
 * The narrow screens' menu: open until a link in it is followed, Escape is pressed or the user
 * clicks outside the header.
 */
function useHeaderMenu() {
  const { pathname } = useLocation();
  // The page it was opened on: going to another page closes it, with no effect to run.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const headerRef = useRef<HTMLElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useDismiss(open, headerRef, buttonRef, () => setOpenOn(null));

  return { open, headerRef, buttonRef, toggle: () => setOpenOn(open ? null : pathname) };
}
