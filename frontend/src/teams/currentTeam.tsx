import { createContext, useContext, useEffect } from 'react';
import { Navigate, Outlet, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useTeam, useTeams } from '../api/teams';
import type { Permission, TeamDetail } from '../api/types';
import { SessionFallback } from '../components/SessionFallback';
import { NotFoundPage } from '../pages/NotFoundPage';
import { TeamAccessEnded } from './TeamAccessEnded';

const LAST_TEAM_KEY = 'scrollkeeper.lastTeam';

const CurrentTeamContext = createContext<TeamDetail | null>(null);

/** The team of the page, for components under /t/:teamId. */
export function useCurrentTeam(): TeamDetail {
  const team = useContext(CurrentTeamContext);
  if (!team) throw new Error('useCurrentTeam() used outside <TeamLayout>');
  return team;
}

/** The current team if the page has one (the header shows it on every page). */
export function useOptionalCurrentTeam(): TeamDetail | null {
  return useContext(CurrentTeamContext);
}

/** Whether the user's role in the current team allows `permission` (the server enforces it too). */
export function useCan(permission: Permission): boolean {
  return useCurrentTeam().permissions.includes(permission);
}

/** The app path of a page of a team: `teamUrl(id, 'members')` → `/t/<id>/members`. */
export const teamUrl = (teamId: string, page = 'library') => `/t/${teamId}/${page}`;

/**
 * Loads the team named in the URL; a team the user is not a member of is "not found", as in the API.
 * A team that was loaded before and is not found now is one the user lost access to while its pages
 * were open (removed, or the team deleted): that is said, with its name, instead.
 */
export function TeamLayout() {
  const { teamId = '' } = useParams();
  const team = useTeam(teamId);
  const notFound = team.error instanceof ApiError && (team.error.status === 404 || team.error.status === 400);
  const accessEnded = notFound && team.data !== undefined;

  useEffect(() => {
    if (team.isSuccess) localStorage.setItem(LAST_TEAM_KEY, team.data.id);
  }, [team.isSuccess, team.data]);

  useEffect(() => {
    // "/" must not lead back here.
    if (accessEnded && localStorage.getItem(LAST_TEAM_KEY) === teamId) localStorage.removeItem(LAST_TEAM_KEY);
  }, [accessEnded, teamId]);

  if (accessEnded) return <TeamAccessEnded team={team.data} />;
  if (notFound) return <NotFoundPage />;
  if (!team.data) return <SessionFallback error={team.error} onRetry={() => void team.refetch()} />;
  return (
    <CurrentTeamContext.Provider value={team.data}>
      <Outlet />
    </CurrentTeamContext.Provider>
  );
}

/** Of the user's teams, the one used last, else the personal team, else the first (undefined: none). */
export function lastUsedTeam<T extends { id: string; personal: boolean }>(teams: T[]): T | undefined {
  const last = localStorage.getItem(LAST_TEAM_KEY);
  return teams.find((t) => t.id === last) ?? teams.find((t) => t.personal) ?? teams[0];
}

/** Sends a team-less address (/, /library) to the same page of the team used last, else the personal team. */
export function GoToTeam({ page = 'library' }: { page?: string }) {
  const teams = useTeams();
  if (!teams.data) return <SessionFallback error={teams.error} onRetry={() => void teams.refetch()} />;
  const team = lastUsedTeam(teams.data.results);
  if (!team) return <Navigate to="/teams/new" replace />;
  return <Navigate to={teamUrl(team.id, page)} replace />;
}
