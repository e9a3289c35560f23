import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { OutlineItem } from '../api/types';
import type { PdfDocument } from './engine';
import { anchorAt, computeLayout, mostVisiblePage, scrollTopFor, type Anchor } from './layout';
import { OutlineTree } from './OutlineTree';
import { PageView } from './PageView';
import { panelsCoverPages } from './panels';
import { ReaderToolbar } from './ReaderToolbar';
import { createRenderQueue } from './renderQueue';
import { useDevicePixelRatio, useElementSize } from './useElementSize';
import { usePageSizes } from './usePageSizes';
import { useZoneObserver } from './useZoneObserver';
import { commonWidth, resolveScale, zoomIn, zoomOut, type ZoomMode } from './zoom';

interface PdfViewerProps {
  document: PdfDocument;
  outline: OutlineItem[];
  /** 0-based indexes of the pages the parser found no text on. */
  pagesWithoutText: number[];
  /** Where to open (1-based); else #page=N in the address, else page 1. */
  initialPage?: number | null;
  onPageChange?: (page: number) => void;
  onReload: () => void;
  /** A panel beside the pages (the annotations), toggled from the toolbar. */
  sidebar?: { id: string; label: string; open: boolean; onToggle: () => void; content: ReactNode };
  /** More controls for the toolbar (the annotation tools). */
  tools?: ReactNode;
}

const OUTLINE_ID = 'reader-outline';
// `focusVisible` is in current Chrome and Firefox, not yet in TypeScript's DOM types.
const OPENING_FOCUS: FocusOptions & { focusVisible?: boolean } = { preventScroll: true, focusVisible: false };
// Pages within one screen of the viewport are drawn; beyond three screens their canvases are freed.
const NEAR = '100% 0px';
const KEEP = '300% 0px';

/** The pages in one scrolling column, with the toolbar and the outline beside them. */
export function PdfViewer(props: PdfViewerProps) {
  const { document, outline, pagesWithoutText, onPageChange, onReload, sidebar, tools } = props;
  const location = useLocation();
  const viewportRef = useRef<HTMLDivElement>(null);
  const viewport = useElementSize(viewportRef);
  const devicePixelRatio = useDevicePixelRatio();
  const sizes = usePageSizes(document);
  const pageCount = document.numPages;

  const [zoom, setZoom] = useState<ZoomMode>('auto');
  const [outlineOpen, setOutlineOpen] = useState(() => outline.length > 0 && window.innerWidth >= 900);
  // Where the panels open over the pages, one at a time: the other would lie under it, out of reach.
  const toggleOutline = () => {
    if (!outlineOpen && sidebar?.open && panelsCoverPages()) sidebar.onToggle();
    setOutlineOpen(!outlineOpen);
  };
  const toggleSidebar = () => {
    if (sidebar && !sidebar.open && panelsCoverPages()) setOutlineOpen(false);
    sidebar?.onToggle();
  };
  const [initialPage] = useState(
    () => clampPage(props.initialPage ?? hashPage(location.hash), pageCount) ?? 1,
  );
  const [currentPage, setCurrentPage] = useState(initialPage);

  // Where the reader is, kept across zooms and page-size updates; set by scrolling or navigating.
  const anchor = useRef<Anchor>({ index: initialPage - 1, fraction: 0 });
  const horizontalCentre = useRef(0.5);
  // The scrollTop we set ourselves, so its scroll event doesn't count as the reader's.
  const ownScrollTop = useRef<number | null>(null);

  const referenceWidth = useMemo(() => (sizes ? commonWidth(sizes.map((size) => size.width)) : 0), [sizes]);
  const scale = resolveScale(zoom, referenceWidth, viewport.width);
  const layout = useMemo(
    () => (sizes && viewport.width > 0 ? computeLayout(sizes, scale) : null),
    [sizes, scale, viewport.width],
  );
  const layoutRef = useRef(layout);

  const currentPageRef = useRef(currentPage);
  currentPageRef.current = currentPage;
  const queue = useMemo(() => createRenderQueue(() => currentPageRef.current), []);
  const [near, observeNear] = useZoneObserver(viewportRef, NEAR);
  const [kept, observeKept] = useZoneObserver(viewportRef, KEEP);
  const observe = useCallback(
    (element: Element) => {
      const stopNear = observeNear(element);
      const stopKept = observeKept(element);
      return () => {
        stopNear();
        stopKept();
      };
    },
    [observeNear, observeKept],
  );
  const withoutText = useMemo(() => new Set(pagesWithoutText), [pagesWithoutText]);

  // After every layout change (zoom, window width, page sizes), put the anchor back in view.
  useLayoutEffect(() => {
    layoutRef.current = layout;
    const element = viewportRef.current;
    if (!layout || !element) return;
    element.scrollTop = scrollTopFor(layout, anchor.current);
    element.scrollLeft = horizontalCentre.current * element.scrollWidth - element.clientWidth / 2;
    ownScrollTop.current = element.scrollTop;
  }, [layout]);

  const onScroll = useCallback(() => {
    const element = viewportRef.current;
    const current = layoutRef.current;
    if (!element || !current) return;
    horizontalCentre.current =
      (element.scrollLeft + element.clientWidth / 2) / Math.max(element.scrollWidth, 1);
    if (ownScrollTop.current !== null && Math.abs(element.scrollTop - ownScrollTop.current) < 1) return;
    ownScrollTop.current = null;
    anchor.current = anchorAt(current, element.scrollTop);
    setCurrentPage(mostVisiblePage(current, element.scrollTop, element.clientHeight) + 1);
  }, []);

  const goToPage = useCallback(
    (pageNumber: number) => {
      const page = clampPage(pageNumber, pageCount) ?? 1;
      anchor.current = { index: page - 1, fraction: 0 };
      setCurrentPage(page);
      const element = viewportRef.current;
      const current = layoutRef.current;
      if (element && current) {
        element.scrollTop = scrollTopFor(current, anchor.current);
        ownScrollTop.current = element.scrollTop;
      }
    },
    [pageCount],
  );

  // #page=N: on arrival (the anchor above) and whenever the address changes to another page.
  useEffect(() => {
    const page = hashPage(location.hash);
    if (page !== null && page !== currentPageRef.current) goToPage(page);
  }, [location.key, location.hash, goToPage]);

  // Keeps #page=N up to date for copying the address, without a navigation per page scrolled
  // past (browsers throttle history updates).
  useEffect(() => {
    onPageChange?.(currentPage);
    const timer = window.setTimeout(() => {
      const hash = `#page=${currentPage}`;
      if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
    }, 400);
    return () => window.clearTimeout(timer);
  }, [currentPage, onPageChange]);

  // Ctrl/⌘ with + − 0 zoom the document instead of the whole page.
  const zoomBy = useRef({ scale, zoomTo: setZoom });
  zoomBy.current = { scale, zoomTo: setZoom };
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const { scale: now, zoomTo } = zoomBy.current;
      if (event.key === '=' || event.key === '+') zoomTo(zoomIn(now));
      else if (event.key === '-' || event.key === '_') zoomTo(zoomOut(now));
      else if (event.key === '0') zoomTo('auto');
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // Page Up/Down and the arrow keys scroll the pages as soon as the document opens. No focus ring for
  // this focus nobody asked for: opened from a link, it framed the whole document (Tab still shows rings).
  useEffect(() => viewportRef.current?.focus(OPENING_FOCUS), []);

  // pdf.js's text selection: while dragging, the layer's end-of-content block stretches so the
  // selection doesn't jump to the end of the page when the pointer leaves the text.
  useEffect(() => {
    const stop = () =>
      viewportRef.current
        ?.querySelectorAll('.textLayer.selecting')
        .forEach((layer) => layer.classList.remove('selecting'));
    window.addEventListener('pointerup', stop);
    return () => window.removeEventListener('pointerup', stop);
  }, []);

  return (
    <>
      <ReaderToolbar
        page={currentPage}
        pageCount={pageCount}
        onNavigate={goToPage}
        zoom={zoom}
        scale={scale}
        onZoom={setZoom}
        outline={
          outline.length > 0
            ? { open: outlineOpen, controls: OUTLINE_ID, onToggle: toggleOutline }
            : undefined
        }
        sidebar={
          sidebar && {
            open: sidebar.open,
            controls: sidebar.id,
            onToggle: toggleSidebar,
            label: sidebar.label,
          }
        }
        tools={tools}
      />
      {pagesWithoutText.length > 0 && (
        <p className="reader-banner" role="note">
          {pagesWithoutText.length === 1
            ? "1 page has no text layer (scanned); highlights can't anchor there."
            : `${pagesWithoutText.length} pages have no text layer (scanned); highlights can't anchor there.`}
        </p>
      )}
      <div className="reader-body">
        {outline.length > 0 && (
          <nav id={OUTLINE_ID} className="reader-outline" aria-label="Outline" hidden={!outlineOpen}>
            <OutlineTree
              items={outline}
              onNavigate={(page) => {
                goToPage(page);
                // Over the pages, the outline makes way for the page chosen.
                if (panelsCoverPages()) setOutlineOpen(false);
              }}
              currentPage={currentPage}
            />
          </nav>
        )}
        <div
          ref={viewportRef}
          className="reader-viewport"
          tabIndex={0}
          role="region"
          aria-label="Document pages"
          onScroll={onScroll}
          onPointerDown={(event) =>
            (event.target as Element).closest('.textLayer')?.classList.add('selecting')
          }
        >
          {layout ? (
            <div className="reader-pages" style={{ height: layout.totalHeight, width: layout.totalWidth }}>
              {layout.tops.map((top, index) => (
                <PageView
                  key={index}
                  document={document}
                  pageNumber={index + 1}
                  top={top}
                  width={layout.widths[index]}
                  height={layout.heights[index]}
                  scale={scale}
                  devicePixelRatio={devicePixelRatio}
                  near={near.has(index + 1)}
                  keep={kept.has(index + 1)}
                  noText={withoutText.has(index)}
                  queue={queue}
                  observe={observe}
                  onReload={onReload}
                />
              ))}
            </div>
          ) : (
            <p className="page-status" role="status">
              Opening…
            </p>
          )}
        </div>
        {sidebar && (
          <aside id={sidebar.id} className="reader-sidebar" aria-label={sidebar.label} hidden={!sidebar.open}>
            {sidebar.content}
          </aside>
        )}
      </div>
    </>
  );
}

function hashPage(hash: string): number | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('page');
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function clampPage(page: number | null, pageCount: number): number | null {
  return page === null ? null : Math.min(Math.max(page, 1), pageCount);
}
