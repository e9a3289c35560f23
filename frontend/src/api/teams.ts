import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from './client';
import type {
  AuditLogPage,
  InvitationList,
  Invitation,
  InvitationPreview,
  InvitationRequest,
  Member,
  MemberList,
  MyInvitationList,
  Role,
  TeamDetail,
  TeamList,
} from './types';

export const TEAMS = '/api/v1/teams';
const INVITATIONS = '/api/v1/invitations';

/** The API path of a team, or of something under it: `teamPath(id, '/members')`. */
export const teamPath = (teamId: string, suffix = '') => `${TEAMS}/${encodeURIComponent(teamId)}${suffix}`;

export const teamKeys = {
  all: ['teams'] as const,
  list: ['teams', 'list'] as const,
  detail: (teamId: string) => ['teams', teamId] as const,
  members: (teamId: string) => ['teams', teamId, 'members'] as const,
  invitations: (teamId: string) => ['teams', teamId, 'invitations'] as const,
  auditLog: (teamId: string) => ['teams', teamId, 'audit-log'] as const,
  /** Public: the preview of an invitation link. */
  invitation: (token: string) => ['invitations', token] as const,
  /** The invitations to the signed-in user's own address. */
  mine: ['invitations', 'mine'] as const,
};

/** The `cursor` of a page link the API returned (`next`/`previous` are absolute URLs). */
export function cursorOf(pageUrl: string | null): string | undefined {
  if (!pageUrl) return undefined;
  return new URL(pageUrl, window.location.origin).searchParams.get('cursor') ?? undefined;
}

// ---- Plain functions -------------------------------------------------------

export const listTeams = (signal?: AbortSignal) => api.get<TeamList>(TEAMS, signal);
export const getTeam = (teamId: string, signal?: AbortSignal) =>
  api.get<TeamDetail>(teamPath(teamId), signal);
export const createTeam = (name: string) => api.post<TeamDetail>(TEAMS, { name });
export const renameTeam = (teamId: string, name: string) => api.patch<TeamDetail>(teamPath(teamId), { name });
export const deleteTeam = (teamId: string) => api.delete(teamPath(teamId));
export const leaveTeam = (teamId: string) => api.post<void>(teamPath(teamId, '/leave'));
export const transferOwnership = (teamId: string, membershipId: string) =>
  api.post<TeamDetail>(teamPath(teamId, '/transfer-ownership'), { membership_id: membershipId });

const memberPath = (teamId: string, membershipId: string) =>
  teamPath(teamId, `/members/${encodeURIComponent(membershipId)}`);
export const listMembers = (teamId: string, signal?: AbortSignal) =>
  api.get<MemberList>(teamPath(teamId, '/members'), signal);
export const changeMemberRole = (teamId: string, membershipId: string, role: Role) =>
  api.patch<Member>(memberPath(teamId, membershipId), { role });
export const removeMember = (teamId: string, membershipId: string) =>
  api.delete(memberPath(teamId, membershipId));

const invitationPath = (teamId: string, invitationId: string, suffix = '') =>
  teamPath(teamId, `/invitations/${encodeURIComponent(invitationId)}${suffix}`);
export const listInvitations = (teamId: string, signal?: AbortSignal) =>
  api.get<InvitationList>(teamPath(teamId, '/invitations'), signal);
export const createInvitation = (teamId: string, body: InvitationRequest) =>
  api.post<Invitation>(teamPath(teamId, '/invitations'), body);
export const resendInvitation = (teamId: string, invitationId: string) =>
  api.post<Invitation>(invitationPath(teamId, invitationId, '/resend'));
export const revokeInvitation = (teamId: string, invitationId: string) =>
  api.delete(invitationPath(teamId, invitationId));

export const getAuditLog = (teamId: string, cursor?: string, signal?: AbortSignal) =>
  api.get<AuditLogPage>(
    teamPath(teamId, `/audit-log${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
    signal,
  );

export const previewInvitation = (token: string, signal?: AbortSignal) =>
  api.get<InvitationPreview>(`${INVITATIONS}/${encodeURIComponent(token)}`, signal);
export const acceptInvitation = (token: string) => api.post<TeamDetail>(`${INVITATIONS}/accept`, { token });
export const listMyInvitations = (signal?: AbortSignal) => api.get<MyInvitationList>(INVITATIONS, signal);

/**
 * The user's role in the team changed (a live event): the team, whose `permissions` decide what the
 * pages offer, its members and the role shown in the team list are reloaded.
 */
export function applyMembershipChanged(queryClient: QueryClient, teamId: string): void {
  void queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true });
  void queryClient.invalidateQueries({ queryKey: teamKeys.members(teamId) });
  void queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
}

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

/** Creates a team owned by the user; the caller navigates to it. */
export function useCreateTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTeam,
    onSuccess: (team) => {
      queryClient.setQueryData(teamKeys.detail(team.id), team);
      return queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
    },
  });
}

export function useRenameTeam(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => renameTeam(teamId, name),
    onSuccess: (team) => {
      queryClient.setQueryData(teamKeys.detail(teamId), team);
      return queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
    },
  });
}

/**
 * Once the user is no longer in the team (they left it or deleted it): goes to /library, which
 * picks another team, then forgets everything cached about this one. The team is taken out of
 * the cached list first, so /library cannot pick it again while the list reloads.
 */
function useGoneFromTeam(teamId: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return () => {
    queryClient.setQueryData<TeamList>(
      teamKeys.list,
      (list) => list && { results: list.results.filter((team) => team.id !== teamId) },
    );
    navigate('/library', { replace: true });
    queryClient.removeQueries({ queryKey: teamKeys.detail(teamId) });
    return queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
  };
}

export function useLeaveTeam(teamId: string) {
  const gone = useGoneFromTeam(teamId);
  return useMutation({ mutationFn: () => leaveTeam(teamId), onSuccess: gone });
}

export function useDeleteTeam(teamId: string) {
  const gone = useGoneFromTeam(teamId);
  return useMutation({ mutationFn: () => deleteTeam(teamId), onSuccess: gone });
}

/** Makes a member the owner; the answer is the team as the user now sees it (as an admin). */
export function useTransferOwnership(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (membershipId: string) => transferOwnership(teamId, membershipId),
    onSuccess: (team) => {
      queryClient.setQueryData(teamKeys.detail(teamId), team);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: teamKeys.members(teamId) }),
        queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true }),
      ]);
    },
  });
}

export function useMembers(teamId: string) {
  return useQuery({
    queryKey: teamKeys.members(teamId),
    queryFn: ({ signal }) => listMembers(teamId, signal),
  });
}

/**
 * A role change can change the user's own permissions, so the team is reloaded too. A refused one
 * reloads the members: the refusal may come from a change made meanwhile by someone else.
 */
export function useChangeMemberRole(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ membershipId, role }: { membershipId: string; role: Role }) =>
      changeMemberRole(teamId, membershipId, role),
    onSuccess: (member) => {
      queryClient.setQueryData<MemberList>(
        teamKeys.members(teamId),
        (list) => list && { results: list.results.map((m) => (m.id === member.id ? member : m)) },
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: teamKeys.members(teamId) }),
        queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true }),
        queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true }),
      ]);
    },
    onError: () => queryClient.invalidateQueries({ queryKey: teamKeys.members(teamId) }),
  });
}

/**
 * `onRemoved` runs here, with the mutation, rather than as a callback of `mutate`: the member's row
 * leaves the list at once, and React Query does not call `mutate`'s callbacks of an unmounted component.
 */
export function useRemoveMember(teamId: string, onRemoved?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (membershipId: string) => removeMember(teamId, membershipId),
    onSuccess: (_, membershipId) => {
      onRemoved?.();
      queryClient.setQueryData<MemberList>(
        teamKeys.members(teamId),
        (list) => list && { results: list.results.filter((m) => m.id !== membershipId) },
      );
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: teamKeys.members(teamId) }),
        // seats_used
        queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true }),
      ]);
    },
  });
}

export function useInvitations(teamId: string, enabled = true) {
  return useQuery({
    queryKey: teamKeys.invitations(teamId),
    queryFn: ({ signal }) => listInvitations(teamId, signal),
    enabled,
  });
}

/** Invitations take seats, so each change reloads the team's `seats_used` too. */
function useInvitationMutation<Variables, Result>(
  teamId: string,
  mutationFn: (variables: Variables) => Promise<Result>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: teamKeys.invitations(teamId) }),
        queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true }),
      ]),
  });
}

export function useCreateInvitation(teamId: string) {
  return useInvitationMutation(teamId, (body: InvitationRequest) => createInvitation(teamId, body));
}

export function useResendInvitation(teamId: string) {
  return useInvitationMutation(teamId, (invitationId: string) => resendInvitation(teamId, invitationId));
}

export function useRevokeInvitation(teamId: string) {
  return useInvitationMutation(teamId, (invitationId: string) => revokeInvitation(teamId, invitationId));
}

/** The audit log, newest first, one cursor page at a time ("Load more"). */
export function useAuditLog(teamId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: teamKeys.auditLog(teamId),
    queryFn: ({ pageParam, signal }) => getAuditLog(teamId, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
    enabled,
  });
}

/** What an invitation link offers; public, so it works before signing in. */
export function useInvitationPreview(token: string) {
  return useQuery({
    queryKey: teamKeys.invitation(token),
    queryFn: ({ signal }) => previewInvitation(token, signal),
    retry: false,
  });
}

export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    // Not awaited: the page moves on to the team at once, the lists catch up in the background.
    onSuccess: (team, token) => {
      queryClient.setQueryData(teamKeys.detail(team.id), team);
      // The invitation just used is not offered again while the list reloads.
      queryClient.setQueryData<MyInvitationList>(
        teamKeys.mine,
        (list) => list && { results: list.results.filter((invitation) => invitation.token !== token) },
      );
      void queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
      void queryClient.invalidateQueries({ queryKey: teamKeys.mine, exact: true });
    },
  });
}

/**
 * Invitations sent to the signed-in user's address, to teams they are not in yet. Asked for again
 * whenever the tab regains focus: an invitation is often read in the mail app, then acted on here.
 */
export function useMyInvitations() {
  return useQuery({
    queryKey: teamKeys.mine,
    queryFn: ({ signal }) => listMyInvitations(signal),
    staleTime: 0,
  });
}
