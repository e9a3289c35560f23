import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useTeams } from '../api/teams';
import { lastUsedTeam, teamUrl, useOptionalCurrentTeam } from './currentTeam';
import { roleLabel } from './roles';
import './teams.css';

// Pages every team has; switching team from any other page (a document, say) lands on the library.
const TEAM_WIDE_PAGES = new Set(['library', 'members', 'settings', 'audit-log']);

/** The page of the current team the user is on ("members"), to open the same one in another team. */
function currentTeamPage(pathname: string): string {
  const page = /^\/t\/[^/]+\/([^/]+)/.exec(pathname)?.[1] ?? 'library';
  return TEAM_WIDE_PAGES.has(page) ? page : 'library';
}

/** Shows the current team; opens a list of the user's teams and "Create a team". */
export function TeamSwitcher() {
  const team = useOptionalCurrentTeam();
  const teams = useTeams();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  // Any navigation (picking a team, or the back button) closes the list.
  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    if (!open) return;
    function closeOnOutsideClick(event: MouseEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener('mousedown', closeOnOutsideClick);
    return () => document.removeEventListener('mousedown', closeOnOutsideClick);
  }, [open]);

  const page = currentTeamPage(location.pathname);
  // On a page of no team (the account, say), the team the user came from: the library link leads there.
  const shown = team ?? (teams.data ? lastUsedTeam(teams.data.results) : undefined);
  const name = shown ? shown.name : 'Choose a team';

  return (
    <div
      ref={rootRef}
      className="team-switcher"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="team-switcher-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Team: ${name}`}
        onClick={() => setOpen(!open)}
      >
        <span className="team-switcher-name">{name}</span>
        <span aria-hidden="true" className="team-switcher-caret">
          ▾
        </span>
      </button>
      {open && (
        <div id={panelId} className="team-switcher-panel">
          <p className="team-switcher-heading" id={`${panelId}-heading`}>
            Your teams
          </p>
          {teams.isPending && <p role="status">Loading teams…</p>}
          {teams.isError && (
            <p role="alert" className="field-error">
              {teams.error.detail}
            </p>
          )}
          {teams.data && (
            <ul aria-labelledby={`${panelId}-heading`} className="team-switcher-list">
              {teams.data.results.map((other) => (
                <li key={other.id}>
                  <Link
                    to={teamUrl(other.id, page)}
                    aria-current={other.id === shown?.id ? 'true' : undefined}
                  >
                    <span>{other.name}</span>
                    <span className="team-switcher-role">{roleLabel(other.role)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <Link to="/teams/new" className="team-switcher-create">
            Create a team
          </Link>
        </div>
      )}
    </div>
  );
}
