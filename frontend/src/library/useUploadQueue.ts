import { useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useSignedInUser } from '../api/auth';
import { libraryKeys } from '../api/documents';
import { uploadQueueFor, type UploadQueue, type UploadItem } from './uploadQueue';

/** The team's upload queue (kept while the app runs) and its rows, re-rendering on every change. */
export function useUploadQueue(teamId: string): { queue: UploadQueue; items: readonly UploadItem[] } {
  const queryClient = useQueryClient();
  // Per user too: logging out keeps the query client, and the next user of the tab must not see these rows.
  const user = useSignedInUser();
  const queue = uploadQueueFor(queryClient, `${user.id}:${teamId}`, teamId, {
    // A new document: every list of the team refetches to show it.
    onDocument: () => void queryClient.invalidateQueries({ queryKey: libraryKeys.lists(teamId) }),
  });
  const items = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  return { queue, items };
}
