import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { annotationKeys, useAnnotationActions, useAnnotations } from '../api/annotations';
import { useSignedInUser } from '../api/auth';
import type { TeamDetail } from '../api/types';
import type { PageCoordinates } from '../reader/engine';
import { PageOverlayContext } from '../reader/PageView';
import { panelsCoverPages } from '../reader/panels';
import { subscribeLive, useDocumentLive } from '../realtime/useLiveUpdates';
import { AnnotationsContext, type AnnotationsState, type Draft } from './context';
import { isPlaced, useCurrentVersion } from './OrphanedAnnotations';
import { PageAnnotations } from './PageAnnotations';
import { SelectionPopover } from './SelectionPopover';
import './annotations.css';

interface AnnotationsProviderProps {
  team: TeamDetail;
  documentId: string;
  children: (
    state: AnnotationsState & { sidebarOpen: boolean; setSidebarOpen: (open: boolean) => void },
  ) => ReactNode;
}

const FLASH_MS = 1600;

/**
 * The annotations of the open document: loaded, kept live over the socket, drawn on the pages, and
 * what is selected. The reader's pages and the sidebar read it from context.
 */
export function AnnotationsProvider({ team, documentId, children }: AnnotationsProviderProps) {
  const user = useSignedInUser();
  useDocumentLive(documentId);
  const queryClient = useQueryClient();
  // Joined (or joined again after a reconnection): what changed or was removed before the join took
  // effect is fetched, as a catch-up from the cached list's cursor (`loadAnnotations`).
  useEffect(
    () =>
      subscribeLive((event) => {
        if (event.type === 'document.joined' && event.document_id === documentId)
          void queryClient.invalidateQueries({ queryKey: annotationKeys.list(team.id, documentId) });
      }),
    [queryClient, team.id, documentId],
  );
  const query = useAnnotations(team.id, documentId);
  const annotations = useMemo(() => query.data ?? [], [query.data]);
  const actions = useAnnotationActions(team.id, documentId);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [flashId, setFlashId] = useState<string | null>(null);
  const [noteMode, setNoteModeState] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [sidebarOpen, setSidebarOpen] = useState(() => window.innerWidth >= 1100);
  const coordinates = useRef(new Map<number, PageCoordinates>()).current;
  const annotationsRef = useRef(annotations);
  annotationsRef.current = annotations;
  const versionRef = useRef<number | undefined>(undefined);
  versionRef.current = useCurrentVersion(team.id, documentId);

  const focus = useCallback((id: string, scroll = true) => {
    setSelectedId(id);
    setSidebarOpen(true);
    setFlashId(id);
    const annotation = annotationsRef.current.find((item) => item.id === id);
    // One not placed on this version of the file is on none of its pages: only its thread comes into view.
    if (scroll && annotation && isPlaced(annotation, versionRef.current))
      scrollToAnnotation(id, annotation.page_index);
    // The thread in the sidebar comes into view too.
    requestAnimationFrame(() =>
      window.document.getElementById(threadId(id))?.scrollIntoView?.({ block: 'nearest' }),
    );
  }, []);

  const setNoteMode = useCallback((on: boolean) => {
    setNoteModeState(on);
    // The note is placed with a click on a page: a sidebar over the pages makes way for it.
    if (on && panelsCoverPages()) setSidebarOpen(false);
  }, []);

  useEffect(() => {
    if (!flashId) return;
    const timer = window.setTimeout(() => setFlashId(null), FLASH_MS);
    return () => window.clearTimeout(timer);
  }, [flashId]);

  // j / k (or Alt+↓ / Alt+↑): the next or previous annotation, when not typing.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const next = (!event.altKey && event.key === 'j') || (event.altKey && event.key === 'ArrowDown');
      const previous = (!event.altKey && event.key === 'k') || (event.altKey && event.key === 'ArrowUp');
      if (!next && !previous) return;
      const list = annotationsRef.current;
      if (list.length === 0) return;
      event.preventDefault();
      const at = list.findIndex((item) => item.id === selectedRef.current);
      const index =
        at === -1 ? (next ? 0 : list.length - 1) : (at + (next ? 1 : -1) + list.length) % list.length;
      focus(list[index].id);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [focus]);

  const state: AnnotationsState = {
    team,
    user,
    documentId,
    annotations,
    loadError: query.error ? query.error.detail : null,
    reload: () => void query.refetch(),
    canHighlight: team.permissions.includes('annotations.highlight'),
    actions,
    selectedId,
    flashId,
    focus,
    noteMode,
    setNoteMode,
    draft,
    setDraft,
    coordinates,
  };

  return (
    <AnnotationsContext.Provider value={state}>
      <PageOverlayContext.Provider value={PageAnnotations}>
        {children({ ...state, sidebarOpen, setSidebarOpen })}
        <SelectionPopover />
      </PageOverlayContext.Provider>
    </AnnotationsContext.Provider>
  );
}

export const threadId = (annotationId: string) => `thread-${annotationId}`;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** Brings the page into view, then (once the page is drawn with its annotations) the annotation. */
function scrollToAnnotation(id: string, pageIndex: number): void {
  const page = window.document.querySelector<HTMLElement>(
    `.reader-page[data-page-number="${pageIndex + 1}"]`,
  );
  const viewport = page?.closest<HTMLElement>('.reader-viewport');
  if (!page || !viewport) return;
  const selector = `[data-annotation-id="${id}"]`;
  const drawn = page.querySelector<HTMLElement>(selector);
  if (drawn) {
    drawn.scrollIntoView?.({ block: 'center', inline: 'nearest' });
    return;
  }
  viewport.scrollTop += page.getBoundingClientRect().top - viewport.getBoundingClientRect().top - 16;
  let frames = 0;
  const wait = () => {
    const element = page.querySelector<HTMLElement>(selector);
    if (element) element.scrollIntoView?.({ block: 'center', inline: 'nearest' });
    else if (frames++ < 120) requestAnimationFrame(wait);
  };
  requestAnimationFrame(wait);
}
