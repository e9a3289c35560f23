import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PdfPage } from '../reader/engine';
import { TEAM, type stubFetch } from '../test/fetchStub';
import { PageAnnotations } from './PageAnnotations';
import { DOC_ID, LIST_PATH, makeAnnotation, renderWithAnnotations } from './testData';

// A highlight over a page break: made from a selection across two pages' text, drawn on both pages.

const PAGES_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}/pages?start=0&stop=2`;
const FIRST_PAGE = 'Results\nThe fringes moved by half a\n';
const SECOND_PAGE = 'period when the mirror moved.\nDiscussion';

const SPANNING = makeAnnotation({
  id: 'a0000000-0000-4000-8000-000000000001',
  anchors: {
    quote: { exact: 'moved by half a\nperiod', prefix: '', suffix: '' },
    position: { start: 20, end: 6 },
    rects: [[72, 700, 180, 712]],
    page_end: 1,
    continued: [{ page_index: 1, rects: [[72, 740, 110, 752]] }],
  },
});

const PAGE = { pageNumber: 1, size: { width: 816, height: 1056 } } as unknown as PdfPage;

function renderReader(routes: Parameters<typeof stubFetch>[0]) {
  return renderWithAnnotations(routes, () =>
    [0, 1, 2].map((pageIndex) => (
      <div key={pageIndex} data-testid={`page-${pageIndex}`}>
        <PageAnnotations page={PAGE} pageIndex={pageIndex} scale={1} layer="below" />
      </div>
    )),
  );
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
});
afterEach(() => vi.unstubAllGlobals());

describe('a highlight over a page break', () => {
  it('is drawn on each page it is on', async () => {
    renderReader({ [`GET ${LIST_PATH}`]: { body: { results: [SPANNING] } } });

    const drawn = (pageIndex: number) =>
      screen.getByTestId(`page-${pageIndex}`).querySelectorAll(`[data-annotation-id="${SPANNING.id}"] span`);
    await waitFor(() => expect(drawn(0)).toHaveLength(1));
    expect(drawn(1)).toHaveLength(1);
    expect(drawn(2)).toHaveLength(0);
  });

  it('is made from a selection running onto the next page', async () => {
    const { requests, state } = renderReader({
      [`GET ${LIST_PATH}`]: { body: { results: [] } },
      [`GET ${PAGES_PATH}`]: {
        body: {
          results: [
            { index: 0, text: FIRST_PAGE },
            { index: 1, text: SECOND_PAGE },
          ],
        },
      },
      [`POST ${LIST_PATH}`]: (request) => ({
        status: 201,
        body: { ...SPANNING, ...(request.body as object), id: 'new' },
      }),
    });
    await waitFor(() => expect(state.current?.annotations).toEqual([]));
    const pageElement = document.createElement('div');
    act(() =>
      state.current!.setDraft({
        kind: 'selection',
        selection: {
          pageIndex: 0,
          text: 'moved by half a',
          before: 'Results The fringes ',
          after: '',
          rects: [[10, 20, 90, 32]],
          pageElement,
          continued: [
            { pageIndex: 1, text: 'period', after: ' when the mirror moved.', rects: [], pageElement },
          ],
        },
        rects: [[72, 700, 180, 712]],
        continued: [{ pageIndex: 1, rects: [[72, 740, 110, 752]] }],
        left: 10,
        top: 40,
        composing: false,
      }),
    );

    const popover = screen.getByRole('dialog', { name: 'Annotate the selection' });
    await userEvent.setup().click(within(popover).getByRole('button', { name: 'Highlight green' }));

    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    const start = FIRST_PAGE.indexOf('moved');
    expect(requests.find((r) => r.method === 'POST')?.body).toMatchObject({
      kind: 'highlight',
      page_index: 0,
      anchors: {
        quote: { exact: 'moved by half a\nperiod' },
        position: { start, end: 'period'.length },
        rects: [[72, 700, 180, 712]],
        page_end: 1,
        continued: [{ page_index: 1, rects: [[72, 740, 110, 752]] }],
      },
    });
  });
});
