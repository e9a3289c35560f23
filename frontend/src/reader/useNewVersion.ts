import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { documentKeys } from '../api/documents';
import type { DocumentDetail } from '../api/types';

/**
 * When the document gets a new version (uploaded here or by another member), the page texts cached for
 * the previous file are dropped: they are kept forever otherwise (a parse is their only change), and
 * selections on the new file must be anchored to the new text. The reader itself is keyed by version.
 */
export function useNewVersion(teamId: string, document: DocumentDetail | undefined) {
  const queryClient = useQueryClient();
  const seen = useRef<number | null>(null);
  const version = document?.version;
  const documentId = document?.id;
  useEffect(() => {
    if (version === undefined || documentId === undefined) return;
    if (seen.current !== null && seen.current !== version)
      queryClient.removeQueries({ queryKey: documentKeys.allPages(teamId, documentId) });
    seen.current = version;
  }, [queryClient, teamId, documentId, version]);
}
