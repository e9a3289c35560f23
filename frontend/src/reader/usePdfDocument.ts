import { useCallback, useEffect, useState } from 'react';
import { getDownloadUrl } from '../api/documents';
import { loadEngine, pdfErrorKind, type PdfDocument, type PdfErrorKind } from './engine';

export type PdfState =
  | { status: 'loading'; loaded: number; total: number | null }
  | { status: 'error'; kind: PdfErrorKind | 'api'; message: string }
  | { status: 'ready'; document: PdfDocument };

const MESSAGES: Record<PdfErrorKind, string> = {
  expired: 'The link to the file expired before it finished loading.',
  network: "The file couldn't be downloaded. Check your connection and try again.",
  invalid: 'This file is damaged or is not a PDF the reader can open. You can still download it.',
  password:
    'This PDF is protected with a password, which the reader does not support yet. You can still download it.',
  unknown: "The PDF couldn't be opened.",
};

/**
 * Opens the document's PDF: asks the API for a short-lived URL, hands it to the engine, and
 * destroys the loading task (download, worker, memory) on unmount or reload. A URL that expired
 * before the file was read (HTTP 403) is replaced by a fresh one once, without bothering the reader.
 */
export function usePdfDocument(teamId: string, documentId: string) {
  const [state, setState] = useState<PdfState>({ status: 'loading', loaded: 0, total: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    let destroy: (() => Promise<void>) | null = null;
    setState({ status: 'loading', loaded: 0, total: null });

    async function open(freshUrlsLeft: number): Promise<PdfDocument> {
      const [engine, { url }] = await Promise.all([loadEngine(), getDownloadUrl(teamId, documentId, true)]);
      if (!active) throw new Error('unmounted');
      const loading = engine.open(url, (loaded, total) => {
        // The rest of the file keeps streaming in after the document opened (its end came first, by a
        // range request): progress only ever updates the loading state, never replaces the document.
        if (active)
          setState((now) => (now.status === 'loading' ? { status: 'loading', loaded, total } : now));
      });
      destroy = loading.destroy;
      try {
        return await loading.promise;
      } catch (error) {
        if (active && freshUrlsLeft > 0 && pdfErrorKind(error) === 'expired') {
          void loading.destroy();
          return open(freshUrlsLeft - 1);
        }
        throw error;
      }
    }

    open(1).then(
      (document) => {
        if (active) setState({ status: 'ready', document });
      },
      (error: unknown) => {
        if (!active) return;
        const detail = (error as { detail?: unknown } | null)?.detail;
        if (typeof detail === 'string') setState({ status: 'error', kind: 'api', message: detail });
        else setState({ status: 'error', kind: pdfErrorKind(error), message: MESSAGES[pdfErrorKind(error)] });
      },
    );

    return () => {
      active = false;
      void destroy?.();
    };
  }, [teamId, documentId, attempt]);

  /** Opens the file again with a new URL (after an error, or when pages stop loading). */
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload, attempt };
}
