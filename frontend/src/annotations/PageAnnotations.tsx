import { useEffect, useMemo, useRef, type CSSProperties, type MouseEvent } from 'react';
import type { Annotation } from '../api/types';
import type { PageOverlayProps } from '../reader/PageView';
import { rectsOnPage, simpleCoordinates, toViewportBoxes } from './anchoring';
import { AreaDrawLayer } from './AreaDrawLayer';
import { useAnnotationsState } from './context';
import { isPlaced, useCurrentVersion } from './OrphanedAnnotations';

/** pdf.js's 100%: a PDF point is 1/72 inch, a CSS pixel 1/96. */
const CSS_PER_POINT = 96 / 72;

export const PALETTE = ['yellow', 'green', 'blue', 'pink', 'purple'] as const;

/** A highlight's colour, as CSS; hex colours pass through, unknown names fall back to yellow. */
export function colourOf(color: string): string {
  return /^#[0-9a-f]{3,6}$/i.test(color) ? color : `var(--annotation-${color}, var(--annotation-yellow))`;
}

/**
 * The annotations of one drawn page. Below the text: the highlights, translucent; a click that doesn't
 * select text hits them by their rectangles. Above the text: the note pins, and in note mode the surface
 * that takes the click placing a new note.
 */
export function PageAnnotations({ page, pageIndex, scale, layer }: PageOverlayProps) {
  const state = useAnnotationsState();
  const { annotations, selectedId, flashId, focus, coordinates: registry, user, team, documentId } = state;
  const currentVersion = useCurrentVersion(team.id, documentId);
  const coordinates = useMemo(
    () =>
      page.coordinates?.(scale) ?? simpleCoordinates(page.size.height / CSS_PER_POINT, scale * CSS_PER_POINT),
    [page, scale],
  );
  const onPage = useMemo(
    // Those not placed on this version of the file (orphaned, or waiting to be re-anchored on a version
    // just parsed) are listed in the sidebar, not drawn.
    // A highlight over a page break is drawn on each of its pages (`anchors.continued`).
    () =>
      annotations.filter(
        (item) =>
          isPlaced(item, currentVersion) &&
          (item.page_index === pageIndex ||
            item.anchors.continued?.some((part) => part.page_index === pageIndex)),
      ),
    [annotations, pageIndex, currentVersion],
  );
  const boxes = useMemo(
    () =>
      onPage
        .filter((item) => item.kind !== 'note' && rectsOnPage(item, pageIndex).length)
        .map((item) => ({
          annotation: item,
          boxes: toViewportBoxes(rectsOnPage(item, pageIndex), coordinates),
        })),
    [onPage, pageIndex, coordinates],
  );
  const layerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (layer !== 'below') return;
    registry.set(pageIndex, coordinates);
    return () => {
      if (registry.get(pageIndex) === coordinates) registry.delete(pageIndex);
    };
  }, [layer, registry, pageIndex, coordinates]);

  // Highlights lie under the text layer, which takes the clicks: find the highlight under a plain click.
  const hits = useRef(boxes);
  hits.current = boxes;
  useEffect(() => {
    const pageElement = layerRef.current?.parentElement;
    if (layer !== 'below' || !pageElement) return;
    const onClick = (event: globalThis.MouseEvent) => {
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) return;
      const origin = pageElement.getBoundingClientRect();
      const x = event.clientX - origin.left;
      const y = event.clientY - origin.top;
      const hit = hits.current.find(({ boxes: rects }) =>
        rects.some(
          (box) => x >= box.left && x <= box.left + box.width && y >= box.top && y <= box.top + box.height,
        ),
      );
      if (hit) focus(hit.annotation.id, false);
    };
    pageElement.addEventListener('click', onClick);
    return () => pageElement.removeEventListener('click', onClick);
  }, [layer, focus]);

  const classes = (annotation: Annotation, base: string) =>
    [
      base,
      annotation.kind === 'area' && 'is-area',
      annotation.visibility === 'private' && 'is-private',
      annotation.resolved_at && 'is-resolved',
      annotation.id === selectedId && 'is-selected',
      annotation.id === flashId && 'is-flashing',
    ]
      .filter(Boolean)
      .join(' ');

  if (layer === 'below') {
    return (
      <div ref={layerRef} className="annotation-layer" aria-hidden="true">
        {boxes.map(({ annotation, boxes: rects }) => (
          <div
            key={annotation.id}
            className={classes(annotation, 'annotation-highlight')}
            data-annotation-id={annotation.id}
            style={{ '--color': colourOf(annotation.color) } as CSSProperties}
          >
            {rects.map((box, index) => (
              <span key={index} style={box} />
            ))}
          </div>
        ))}
      </div>
    );
  }

  const placeNote = (event: MouseEvent<HTMLDivElement>) => {
    if (!state.noteMode || event.target !== event.currentTarget) return;
    const origin = event.currentTarget.getBoundingClientRect();
    const [x, y] = coordinates.toPdfPoint(event.clientX - origin.left, event.clientY - origin.top);
    state.setDraft({
      kind: 'note',
      pageIndex,
      point: [Math.round(x * 100) / 100, Math.round(y * 100) / 100],
      left: event.clientX,
      top: event.clientY + 8,
    });
  };

  return (
    <div className={state.noteMode ? 'annotation-pins is-placing' : 'annotation-pins'} onClick={placeNote}>
      <AreaDrawLayer pageIndex={pageIndex} coordinates={coordinates} />
      {onPage
        .filter((item) => item.kind === 'note')
        .map((annotation) => {
          const [x, y] = annotation.anchors.point ?? annotation.anchors.rects?.[0] ?? [0, 0];
          const [left, top] = coordinates.toViewportRect([x, y, x, y]);
          const own = annotation.author?.id === user.id;
          return (
            <button
              key={annotation.id}
              type="button"
              className={classes(annotation, 'annotation-pin')}
              data-annotation-id={annotation.id}
              style={{ left, top, '--color': colourOf(annotation.color) } as CSSProperties}
              aria-label={`Note by ${own ? 'you' : (annotation.author?.name ?? 'a former member')}`}
              title={annotation.body.slice(0, 120)}
              onClick={() => focus(annotation.id, false)}
            >
              <span aria-hidden="true">✎</span>
            </button>
          );
        })}
    </div>
  );
}
