import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { TeamDetail, TeamList } from './types';

export const TEAMS = '/api/v1/teams';

/** The API path of a team, or of something under it: `teamPath(id, '/members')`. */
export const teamPath = (teamId: string, suffix = '') => `${TEAMS}/${encodeURIComponent(teamId)}${suffix}`;

export const teamKeys = {
  all: ['teams'] as const,
  list: ['teams', 'list'] as const,
  detail: (teamId: string) => ['teams', teamId] as const,
};

// ---- Plain functions -------------------------------------------------------

export const listTeams = (signal?: AbortSignal) => api.get<TeamList>(TEAMS, signal);
export const getTeam = (teamId: string, signal?: AbortSignal) =>
  api.get<TeamDetail>(teamPath(teamId), signal);

// ---- Hooks -----------------------------------------------------------------

/** The signed-in user's teams. */
export function useTeams() {
  return useQuery({ queryKey: teamKeys.list, queryFn: ({ signal }) => listTeams(signal), staleTime: 30_000 });
}

/** One of the user's teams, with their role and what it permits there. */
export function useTeam(teamId: string) {
  return useQuery({
    queryKey: teamKeys.detail(teamId),
    queryFn: ({ signal }) => getTeam(teamId, signal),
    staleTime: 30_000,
  });
}
