import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { useAnnotationsState } from './context';

/** `?annotation=<id>` (a notification's link): the reader opens that thread and scrolls to it. */
export const annotationAddress = (
  teamId: string,
  documentId: string,
  annotationId: string,
  pageIndex: number,
) =>
  `/t/${teamId}/documents/${documentId}?annotation=${encodeURIComponent(annotationId)}#page=${pageIndex + 1}`;

const MAX_FRAMES = 120;

/**
 * Selects the thread named by `?annotation=` once the annotations are loaded and the pages laid out;
 * once per navigation, so the reader can move on afterwards.
 */
export function AnnotationFromAddress() {
  const { annotations, focus } = useAnnotationsState();
  const location = useLocation();
  const wanted = new URLSearchParams(location.search).get('annotation');
  const handled = useRef<string | null>(null);
  const frame = useRef(0);
  const loaded = wanted !== null && annotations.some((item) => item.id === wanted);

  useEffect(() => {
    if (!wanted || !loaded || handled.current === location.key) return;
    handled.current = location.key;
    let frames = 0;
    // The page's element exists once the reader has measured the pages.
    const attempt = () => {
      const laidOut = window.document.querySelector('.reader-page');
      if (laidOut || frames++ >= MAX_FRAMES) focus(wanted);
      else frame.current = requestAnimationFrame(attempt);
    };
    attempt();
  }, [wanted, loaded, location.key, focus]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return null;
}
