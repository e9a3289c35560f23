import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnnotationCreateRequest, TeamDetail } from '../api/types';
import type { PdfPage } from '../reader/engine';
import { TEAM_AS_VIEWER } from '../teams/testData';
import { TEAM_DETAIL } from '../test/fetchStub';
import { AreaToggle, AreaToolProvider } from './AreaDrawLayer';
import { PageAnnotations } from './PageAnnotations';
import { LIST_PATH, makeAnnotation, renderWithAnnotations } from './testData';

// A US Letter page (612 × 792 points) at 100%: 816 × 1056 CSS pixels, 4/3 pixels a point.
const PAGE: PdfPage = {
  pageNumber: 1,
  size: { width: 816, height: 1056 },
  render: () => ({ promise: Promise.resolve(), cancel() {} }),
  renderTextLayer: () => ({ promise: Promise.resolve(), cancel() {}, update() {} }),
  release() {},
};

function renderPage(team: TeamDetail = TEAM_DETAIL as TeamDetail, scale = 1) {
  const created: AnnotationCreateRequest[] = [];
  const page = (pageScale: number) => () => (
    <AreaToolProvider>
      <AreaToggle />
      <div className="reader-page" data-page-number="1">
        <PageAnnotations page={PAGE} pageIndex={0} scale={pageScale} layer="below" />
        <PageAnnotations page={PAGE} pageIndex={0} scale={pageScale} layer="above" />
      </div>
    </AreaToolProvider>
  );
  const view = renderWithAnnotations(
    {
      [`GET ${LIST_PATH}`]: { body: { results: [] } },
      [`POST ${LIST_PATH}`]: (request) => {
        const body = request.body as AnnotationCreateRequest;
        created.push(body);
        const annotation = makeAnnotation({
          id: 'area1',
          page_index: body.page_index,
          kind: 'area',
          color: body.color ?? 'blue',
          body: body.body ?? '',
          visibility: body.visibility ?? 'team',
          anchors: body.anchors,
        });
        return { status: 201, body: annotation };
      },
    },
    page(scale),
    team,
  );
  return { ...view, created, rerender: (next: number) => view.rerender(page(next)) };
}

function drag(surface: Element, from: [number, number], to: [number, number]) {
  fireEvent.pointerDown(surface, { button: 0, pointerId: 1, clientX: from[0], clientY: from[1] });
  fireEvent.pointerMove(surface, {
    pointerId: 1,
    clientX: (from[0] + to[0]) / 2,
    clientY: (from[1] + to[1]) / 2,
  });
  fireEvent.pointerMove(surface, { pointerId: 1, clientX: to[0], clientY: to[1] });
  fireEvent.pointerUp(surface, { pointerId: 1, clientX: to[0], clientY: to[1] });
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  // jsdom lays nothing out: the page sits at the window's corner, at its size.
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(
    DOMRect.fromRect({ x: 0, y: 0, width: 816, height: 1056 }),
  );
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('The Area tool', () => {
  it('draws a rectangle that becomes an area annotation in PDF points, outlined at any zoom', async () => {
    const { created, rerender, user } = renderPage();
    const toggle = screen.getByRole('button', { name: 'Area' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(document.querySelector('.area-draw-surface')).toBeNull();

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const surface = document.querySelector('.area-draw-surface')!;
    // A click is not an area.
    drag(surface, [50, 50], [52, 51]);
    expect(screen.queryByRole('dialog', { name: 'New area' })).not.toBeInTheDocument();

    // Dragged from the bottom right up to the top left: the same rectangle.
    drag(surface, [400, 300], [100, 100]);
    const dialog = await screen.findByRole('dialog', { name: 'New area' });
    await user.type(screen.getByRole('combobox', { name: 'Comment on the area' }), 'The figure');
    await user.click(screen.getByRole('button', { name: 'Save area' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());

    expect(created).toEqual([
      {
        kind: 'area',
        page_index: 0,
        anchors: { rects: [[75, 567, 300, 717]] },
        color: 'blue',
        body: 'The figure',
        visibility: 'team',
      },
    ]);
    // Saved: the tool is put away and the area is drawn as an outlined box.
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    const box = await waitFor(() => {
      const found = document.querySelector<HTMLElement>('.annotation-highlight.is-area span');
      expect(found).not.toBeNull();
      return found!;
    });
    expect([box.style.left, box.style.top, box.style.width, box.style.height]).toEqual([
      '100px',
      '100px',
      '300px',
      '200px',
    ]);
    rerender(2);
    const zoomed = document.querySelector<HTMLElement>('.annotation-highlight.is-area span')!;
    expect([zoomed.style.left, zoomed.style.top, zoomed.style.width, zoomed.style.height]).toEqual([
      '200px',
      '200px',
      '600px',
      '400px',
    ]);
  });

  it('toggles with A, drops the rectangle then the tool with Escape, and steps aside for the Note tool', async () => {
    const { user, requests } = renderPage();
    const toggle = screen.getByRole('button', { name: 'Area' });
    await user.keyboard('a');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    drag(document.querySelector('.area-draw-surface')!, [10, 10], [200, 200]);
    expect(await screen.findByRole('dialog', { name: 'New area' })).toBeInTheDocument();
    act(() => (document.activeElement as HTMLElement | null)?.blur());
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'New area' })).not.toBeInTheDocument();
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await user.keyboard('{Escape}');
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.keyboard('A');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await user.keyboard('a');
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('is not offered to viewers (they may only comment)', async () => {
    const { user } = renderPage(TEAM_AS_VIEWER as TeamDetail);
    expect(screen.queryByRole('button', { name: 'Area' })).not.toBeInTheDocument();
    await user.keyboard('a');
    expect(document.querySelector('.area-draw-surface')).toBeNull();
  });
});
