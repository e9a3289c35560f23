import {
  createContext,
  memo,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ComponentType,
} from 'react';
import { isCancellation, type Job, type PdfDocument, type PdfPage, type TextLayerJob } from './engine';
import type { RenderQueue } from './renderQueue';
import { canvasPixelRatio } from './zoom';

export interface PageOverlayProps {
  page: PdfPage;
  /** 0-based. */
  pageIndex: number;
  scale: number;
  /** Below the text (so text stays selectable over it) or above it (things to click). */
  layer: 'below' | 'above';
}

/** What a drawn page shows over its canvas besides the text: the annotations, when provided. */
export const PageOverlayContext = createContext<ComponentType<PageOverlayProps> | null>(null);

interface PageViewProps {
  document: PdfDocument;
  /** 1-based. */
  pageNumber: number;
  top: number;
  width: number;
  height: number;
  scale: number;
  devicePixelRatio: number;
  /** Near the viewport: draw the page (again, when the zoom changed). */
  near: boolean;
  /** Not far from the viewport: keep what was drawn; otherwise free the canvas. */
  keep: boolean;
  /** The parser found no text on this page (a scan): it is marked, highlights can't anchor there. */
  noText: boolean;
  queue: RenderQueue;
  observe: (element: Element) => () => void;
  onReload: () => void;
}

/**
 * One page: a placeholder of the page's size until it comes near the viewport, then a canvas with
 * the selectable text over it. A zoom keeps the old canvas, stretched, until the new one is drawn.
 */
export const PageView = memo(function PageView(props: PageViewProps) {
  const { document, pageNumber, scale, devicePixelRatio, near, keep, queue, observe } = props;
  const elementRef = useRef<HTMLDivElement>(null);
  const canvasHostRef = useRef<HTMLDivElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const drawn = useRef<{ canvas: HTMLCanvasElement; scale: number; devicePixelRatio: number } | null>(null);
  const page = useRef<PdfPage | null>(null);
  const textLayer = useRef<TextLayerJob | null>(null);
  const [status, setStatus] = useState<'blank' | 'drawn' | 'error'>('blank');
  const Overlay = useContext(PageOverlayContext);
  const [overlayPage, setOverlayPage] = useState<PdfPage | null>(null);

  useEffect(() => observe(elementRef.current!), [observe]);

  // The text is sized by CSS variables: moving it to the new zoom right away keeps it over the
  // (stretched) canvas while the page is drawn again.
  useLayoutEffect(() => textLayer.current?.update(scale), [scale]);

  useEffect(() => {
    if (!near) return;
    const current = drawn.current;
    if (current && current.scale === scale && current.devicePixelRatio === devicePixelRatio) return;
    let cancelled = false;
    let job: Job | null = null;
    const ticket = queue.schedule(pageNumber, async () => {
      if (cancelled) return;
      try {
        const proxy = await document.getPage(pageNumber);
        if (cancelled) return;
        page.current = proxy;
        const canvas = window.document.createElement('canvas');
        const ratio = canvasPixelRatio(proxy.size.width * scale, proxy.size.height * scale, devicePixelRatio);
        job = proxy.render(canvas, scale, ratio);
        await job.promise;
        if (cancelled) {
          freeCanvas(canvas);
          return;
        }
        if (drawn.current) freeCanvas(drawn.current.canvas);
        canvasHostRef.current!.replaceChildren(canvas);
        drawn.current = { canvas, scale, devicePixelRatio };
        setStatus('drawn');
        setOverlayPage(proxy);
        if (!textLayer.current) {
          textLayer.current = proxy.renderTextLayer(textRef.current!, scale);
          // Without its text the page still reads; selection just isn't offered there.
          textLayer.current.promise.catch(() => {});
        }
      } catch (error) {
        if (!cancelled && !isCancellation(error)) setStatus('error');
      }
    });
    return () => {
      cancelled = true;
      ticket.cancel();
      job?.cancel();
    };
  }, [document, pageNumber, scale, devicePixelRatio, near, queue]);

  useEffect(() => {
    if (keep) return;
    if (drawn.current) {
      freeCanvas(drawn.current.canvas);
      canvasHostRef.current?.replaceChildren();
      drawn.current = null;
      setStatus('blank');
    }
    setOverlayPage(null);
    if (textLayer.current) {
      textLayer.current.cancel();
      textLayer.current = null;
      textRef.current?.replaceChildren();
    }
    page.current?.release();
    page.current = null;
  }, [keep]);

  useEffect(
    () => () => {
      textLayer.current?.cancel();
      if (drawn.current) freeCanvas(drawn.current.canvas);
    },
    [],
  );

  return (
    <div
      ref={elementRef}
      className="reader-page"
      data-page-number={pageNumber}
      data-status={status}
      data-no-text={props.noText || undefined}
      style={{ top: props.top, width: props.width, height: props.height, marginLeft: -props.width / 2 }}
    >
      <div ref={canvasHostRef} className="reader-canvas" aria-hidden="true" />
      {Overlay && overlayPage && (
        <Overlay page={overlayPage} pageIndex={pageNumber - 1} scale={scale} layer="below" />
      )}
      <div ref={textRef} className="textLayer" />
      {Overlay && overlayPage && (
        <Overlay page={overlayPage} pageIndex={pageNumber - 1} scale={scale} layer="above" />
      )}
      {status === 'blank' && (
        <span className="reader-page-placeholder" aria-hidden="true">
          {pageNumber}
        </span>
      )}
      {status === 'error' && (
        <div className="reader-page-error" role="alert">
          <p>Page {pageNumber} couldn't be drawn.</p>
          <button type="button" className="button button-secondary" onClick={props.onReload}>
            Reload the document
          </button>
        </div>
      )}
      {props.noText && (
        <span className="reader-page-flag" title="Highlights can't anchor on this page">
          No text layer
        </span>
      )}
    </div>
  );
});

/** Drops the pixels now rather than when the canvas is collected (Safari keeps them long). */
function freeCanvas(canvas: HTMLCanvasElement) {
  canvas.width = 0;
  canvas.height = 0;
  canvas.remove();
}
