import { useEffect, useState } from 'react';
import { subscribeLive } from '../realtime/useLiveUpdates';

/**
 * Whether the team's socket said `documentId` was deleted (`document.changed` with `deleted`) while
 * it was open here. The cache drops the document then, but a query already on screen keeps showing
 * what it had: the reader asks this instead, and stops offering what would only fail.
 */
export function useDeletedWhileOpen(teamId: string, documentId: string): boolean {
  const [deletedId, setDeletedId] = useState<string | null>(null);
  useEffect(
    () =>
      subscribeLive((event) => {
        if (
          event.type === 'document.changed' &&
          event.deleted &&
          event.team_id === teamId &&
          event.document_id === documentId
        )
          setDeletedId(documentId);
      }),
    [teamId, documentId],
  );
  // Another document opened in the same reader is not deleted.
  return deletedId === documentId;
}
