import { useCallback, useEffect, useRef, useState } from 'react';
import { annotationsExportUrl, getExport, startPdfExport } from '../api/annotations';
import type { ApiError } from '../api/client';
import type { AnnotationExport } from '../api/types';
import { subscribeLive } from '../realtime/useLiveUpdates';
import './export.css';

/** How often the export's state is asked for while its socket event is awaited (the socket may be down). */
export const EXPORT_POLL_MS = 3000;
/** How long the menu waits before it stops asking: a worker that never finishes must not spin it forever. */
export const EXPORT_GIVE_UP_MS = 10 * 60 * 1000;

type PdfExportState =
  { phase: 'idle' } | { phase: 'preparing'; exportId: string | null } | { phase: 'failed'; detail: string };

/**
 * The annotated PDF: asked for (202), awaited (the `annotation.export.finished` event, or polling),
 * then downloaded from its short-lived URL. The server makes it in a worker's sandbox.
 */
export function usePdfExport(teamId: string, documentId: string) {
  const [state, setState] = useState<PdfExportState>({ phase: 'idle' });
  const exportId = state.phase === 'preparing' ? state.exportId : null;
  const settled = useRef(false);

  const finish = useCallback((done: AnnotationExport) => {
    if (done.state === 'pending' || settled.current) return;
    settled.current = true;
    if (done.state === 'ready' && done.download_url) {
      setState({ phase: 'idle' });
      // The URL answers with "Content-Disposition: attachment": the browser saves the file and stays here.
      window.location.assign(done.download_url);
    } else {
      setState({ phase: 'failed', detail: done.error?.detail ?? 'The annotated PDF could not be made.' });
    }
  }, []);

  const check = useCallback(
    async (id: string, signal?: AbortSignal) => {
      try {
        finish(await getExport(teamId, documentId, id, signal));
      } catch (error) {
        if (signal?.aborted) return;
        settled.current = true;
        setState({ phase: 'failed', detail: (error as ApiError).detail });
      }
    },
    [teamId, documentId, finish],
  );

  // Ready (or failed): the worker tells this user's sockets; the download URL is asked for then.
  useEffect(() => {
    if (!exportId) return;
    const controller = new AbortController();
    const unsubscribe = subscribeLive((event) => {
      if (event.type === 'annotation.export.finished' && event.export.id === exportId)
        void check(exportId, controller.signal);
    });
    const timer = window.setInterval(() => void check(exportId, controller.signal), EXPORT_POLL_MS);
    const giveUp = window.setTimeout(() => {
      settled.current = true;
      setState({ phase: 'failed', detail: 'The PDF is taking long to prepare; try again in a while.' });
    }, EXPORT_GIVE_UP_MS);
    return () => {
      unsubscribe();
      window.clearInterval(timer);
      window.clearTimeout(giveUp);
      controller.abort();
    };
  }, [exportId, check]);

  const start = useCallback(async () => {
    settled.current = false;
    setState({ phase: 'preparing', exportId: null });
    try {
      const started = await startPdfExport(teamId, documentId);
      if (started.state === 'pending') setState({ phase: 'preparing', exportId: started.id });
      else finish(started); // made at once (no worker: `make run` without Redis)
    } catch (error) {
      setState({ phase: 'failed', detail: (error as ApiError).detail });
    }
  }, [teamId, documentId, finish]);

  return { state, start };
}

interface ExportMenuProps {
  teamId: string;
  documentId: string;
}

/** The reader's Export menu: the annotations as JSON-LD or Markdown at once, or an annotated PDF. */
export function ExportMenu({ teamId, documentId }: ExportMenuProps) {
  const { state, start } = usePdfExport(teamId, documentId);
  const preparing = state.phase === 'preparing';
  const menu = useRef<HTMLDetailsElement>(null);
  // A choice closes the menu (its summary then says "Preparing PDF…" while the PDF is written).
  const close = () => {
    if (menu.current) menu.current.open = false;
  };
  // ...and a failure opens it again, to say why.
  useEffect(() => {
    if (state.phase === 'failed' && menu.current) menu.current.open = true;
  }, [state.phase]);
  return (
    <details className="export-menu" ref={menu}>
      <summary className="button button-secondary">{preparing ? 'Preparing PDF…' : 'Export'}</summary>
      <ul className="export-menu-items">
        <li>
          <button
            type="button"
            disabled={preparing}
            onClick={() => {
              close();
              void start();
            }}
          >
            {preparing ? 'Preparing PDF…' : 'PDF with annotations'}
          </button>
        </li>
        <li>
          <a href={annotationsExportUrl(teamId, documentId, 'markdown')} download onClick={close}>
            Annotations as Markdown
          </a>
        </li>
        <li>
          <a href={annotationsExportUrl(teamId, documentId, 'jsonld')} download onClick={close}>
            Annotations as JSON-LD (W3C)
          </a>
        </li>
      </ul>
      {state.phase === 'failed' && (
        <p role="alert" className="form-error">
          {state.detail}
        </p>
      )}
    </details>
  );
}
