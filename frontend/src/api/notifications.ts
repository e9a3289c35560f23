import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { NotificationCreatedEvent } from './events';
import { teamPath } from './teams';
import type { NotificationPage, NotificationReadResult } from './types';

/** The bell lists the newest mentions; older ones are in the e-mail digests. */
export const NOTIFICATIONS_SHOWN = 20;

export const notificationKeys = {
  list: (teamId: string) => ['teams', teamId, 'notifications'] as const,
};

export const listNotifications = (teamId: string, signal?: AbortSignal) =>
  api.get<NotificationPage>(teamPath(teamId, `/notifications?page_size=${NOTIFICATIONS_SHOWN}`), signal);

/** Marks `ids` read, or every notification of the user in the team when `ids` is omitted. */
export const markNotificationsRead = (teamId: string, ids?: string[]) =>
  api.post<NotificationReadResult>(teamPath(teamId, '/notifications/read'), ids ? { ids } : {});

/** A mention arrived over /ws/: it goes on top of the cached list and the unread count goes up. */
export function applyNotificationEvent(queryClient: QueryClient, event: NotificationCreatedEvent): void {
  const key = notificationKeys.list(event.team_id);
  const cached = queryClient.getQueryData<NotificationPage>(key);
  if (!cached) {
    void queryClient.invalidateQueries({ queryKey: key, exact: true });
    return;
  }
  const { notification } = event;
  if (cached.results.some((item) => item.id === notification.id)) return;
  queryClient.setQueryData<NotificationPage>(key, {
    ...cached,
    results: [notification, ...cached.results].slice(0, NOTIFICATIONS_SHOWN),
    unread_count: cached.unread_count + (notification.read_at ? 0 : 1),
  });
}

export function useNotifications(teamId: string) {
  return useQuery({
    queryKey: notificationKeys.list(teamId),
    queryFn: ({ signal }) => listNotifications(teamId, signal),
  });
}

/** Marks some (or all) read; the cache shows them read at once, with the server's unread count. */
export function useMarkNotificationsRead(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => markNotificationsRead(teamId, ids),
    onSuccess: (result, ids) => {
      const now = new Date().toISOString();
      queryClient.setQueryData<NotificationPage>(notificationKeys.list(teamId), (page) =>
        page
          ? {
              ...page,
              unread_count: result.unread_count,
              results: page.results.map((item) =>
                !item.read_at && (!ids || ids.includes(item.id)) ? { ...item, read_at: now } : item,
              ),
            }
          : page,
      );
    },
  });
}
