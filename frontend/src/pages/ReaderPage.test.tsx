import { act, screen, within } from '@testing-library/react';
import type { QueryClient } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentDetail } from '../api/types';
import { makeAnnotation } from '../annotations/testData';
import type { PdfDocument, PdfEngine, PdfPage } from '../reader/engine';
import { applyLiveEvent } from '../realtime/useLiveUpdates';
import { TEAM, apiError, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

// pdf.js can't run in jsdom: the reader gets a fake engine with the same interface.
const engine = vi.hoisted(() => ({ open: vi.fn() }));
vi.mock('../reader/pdfjsEngine', () => ({ pdfjsEngine: engine as PdfEngine }));

const DOC_ID = '5f0c8d7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';
const DETAIL_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}`;
const READER_PATH = `/t/${TEAM.id}/documents/${DOC_ID}`;
const FILE_URL = 'http://storage.test/bucket/paper.pdf?signature=abc';

const DOCUMENT: DocumentDetail = {
  id: DOC_ID,
  title: 'Optical tweezers, revisited',
  filename: 'tweezers.pdf',
  size: 123_456,
  state: 'ready',
  error: null,
  pages_done: 3,
  pages_total: 3,
  authors: ['Ada Lovelace', 'Mary Somerville'],
  doi: '',
  arxiv_id: '',
  duplicate_of: null,
  uploaded_by: null,
  tags: [],
  collections: [],
  created_at: '2025-02-01T10:00:00Z',
  updated_at: '2025-02-01T10:00:00Z',
  version: 1,
  metadata: null,
  outline: [
    { title: 'Introduction', page_index: 0, children: [] },
    { title: 'Results', page_index: 2, children: [] },
  ],
  pages_without_text: [1],
  parsed_at: '2025-02-01T10:01:00Z',
  sha256: 'ab'.repeat(32),
};

function fakePdf(numPages: number): PdfDocument {
  const page = (pageNumber: number): PdfPage => ({
    pageNumber,
    size: { width: 816, height: 1056 },
    render: () => ({ promise: Promise.resolve(), cancel() {} }),
    renderTextLayer: () => ({ promise: Promise.resolve(), cancel() {}, update() {} }),
    release() {},
  });
  return { numPages, getPage: async (n) => page(n) };
}

function routes(document: Partial<DocumentDetail> | { status: number; body: unknown }) {
  let urls = 0;
  return {
    ...signedInRoutes(),
    [`GET ${DETAIL_PATH}`]: 'status' in document ? document : { body: { ...DOCUMENT, ...document } },
    // Every request gets a URL of its own, as presigned URLs are.
    [`GET ${DETAIL_PATH}/download?inline=1`]: () => ({
      body: { url: `${FILE_URL}&n=${++urls}`, expires_in: 300 },
    }),
  };
}

const openedUrls = () => engine.open.mock.calls.map(([url]) => url as string);

beforeEach(() => {
  engine.open.mockReset();
  engine.open.mockReturnValue({ promise: Promise.resolve(fakePdf(3)), destroy: vi.fn(async () => {}) });
});

describe('ReaderPage', () => {
  it('shows the header of the document: title, authors, pages, download, the way back', async () => {
    stubFetch(routes({}));
    renderApp(READER_PATH);
    expect(await screen.findByRole('heading', { name: 'Optical tweezers, revisited' })).toBeInTheDocument();
    expect(screen.getByText('Ada Lovelace, Mary Somerville')).toBeInTheDocument();
    expect(screen.getByText('3 pages')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download PDF' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Back to the\s*Library/ })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/library`,
    );
    expect(document.title).toBe('Optical tweezers, revisited · Scrollkeeper');
  });

  it('shows a queued document waiting, without loading the PDF', async () => {
    const requests = stubFetch(routes({ state: 'queued', pages_done: 0, pages_total: null }));
    renderApp(READER_PATH);
    expect(await screen.findByText('Waiting for its turn to be read…')).toBeInTheDocument();
    expect(requests.some((r) => r.path.includes('/download'))).toBe(false);
    expect(engine.open).not.toHaveBeenCalled();
  });

  it('shows how far the parse of a document has come', async () => {
    stubFetch(routes({ state: 'parsing', pages_done: 2, pages_total: 5 }));
    renderApp(READER_PATH);
    expect(await screen.findByText('Reading page 2 of 5…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Reading the PDF' })).toHaveAttribute('value', '2');
  });

  it("explains a document that couldn't be parsed, in the server's words", async () => {
    stubFetch(
      routes({
        state: 'failed',
        error: { code: 'encrypted', message: 'The PDF is password-protected.', retryable: false },
      }),
    );
    renderApp(READER_PATH);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("This PDF couldn't be read. The PDF is password-protected.");
    expect(screen.getByRole('button', { name: 'Download PDF' })).toBeInTheDocument();
  });

  it('says so when the document does not exist', async () => {
    stubFetch(routes({ status: 404, body: apiError('not_found', 'Not found.') }));
    renderApp(READER_PATH);
    expect(await screen.findByText("This document doesn't exist, or it was deleted.")).toBeInTheDocument();
  });

  it('says so when the document is deleted while open, and offers nothing that would fail', async () => {
    // The server's state: the document exists until another member deletes it.
    let deleted = false;
    stubFetch({
      ...routes({}),
      [`GET ${DETAIL_PATH}`]: () =>
        deleted ? { status: 404, body: apiError('not_found', 'Not found.') } : { body: DOCUMENT },
      [`GET ${DETAIL_PATH}/annotations`]: { body: { results: [], cursor: null, full: true } },
    });
    const { queryClient } = renderApp(READER_PATH);
    expect(await screen.findByRole('toolbar', { name: 'Reader' })).toBeInTheDocument();

    deleted = true;
    act(() =>
      applyLiveEvent(queryClient, {
        type: 'document.changed',
        team_id: TEAM.id,
        document_id: DOC_ID,
        deleted: true,
      }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent('This document was deleted.');
    expect(screen.getByRole('link', { name: 'Back to the library' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/library`,
    );
    expect(screen.queryByRole('toolbar', { name: 'Reader' })).not.toBeInTheDocument();
    for (const action of ['Download PDF', 'Edit', /Annotations/])
      expect(screen.queryByRole('button', { name: action })).not.toBeInTheDocument();
    expect(screen.queryByText('Export')).not.toBeInTheDocument();
  });

  it('goes back to the library after deleting the document, even when the socket says so first', async () => {
    document.cookie = 'csrftoken=t';
    let client: QueryClient | undefined;
    stubFetch({
      ...routes({}),
      [`GET ${DETAIL_PATH}/annotations`]: { body: { results: [], cursor: null, full: true } },
      [`DELETE ${DETAIL_PATH}`]: async () => {
        // The team's socket hears of the deletion, and the page shows it, before this request is answered.
        applyLiveEvent(client!, {
          type: 'document.changed',
          team_id: TEAM.id,
          document_id: DOC_ID,
          deleted: true,
        });
        await screen.findByText('This document was deleted.');
        return { status: 204 };
      },
    });
    const { user, queryClient } = renderApp(READER_PATH);
    client = queryClient;
    await screen.findByRole('toolbar', { name: 'Reader' });

    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete document' }));
    await user.click(within(dialog).getByRole('button', { name: 'Yes, delete' }));

    await vi.waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/t/${TEAM.id}/library`));
  });

  it('finds out the document was deleted when an annotation action answers 404', async () => {
    // The deletion's event never came (the socket was down): the server's 404 is the only sign.
    document.cookie = 'csrftoken=t';
    let deleted = false;
    const gone = { status: 404, body: apiError('not_found', 'Not found.') };
    const thread = makeAnnotation({ id: 'a1', document_id: DOC_ID, body: 'Look here' });
    const requests = stubFetch({
      ...routes({}),
      [`GET ${DETAIL_PATH}`]: () => (deleted ? gone : { body: DOCUMENT }),
      [`GET ${DETAIL_PATH}/annotations`]: { body: { results: [thread], cursor: null, full: true } },
      [`POST ${DETAIL_PATH}/annotations/a1/resolve`]: gone,
    });
    const { user } = renderApp(READER_PATH);
    await user.click(await screen.findByRole('button', { name: 'Annotations (1)' }));
    await user.click(await screen.findByRole('button', { name: /You · p\. 1/ }));

    deleted = true;
    await user.click(screen.getByRole('button', { name: 'Resolve' }));

    expect(await screen.findByText('This document was deleted.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the library' })).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Threads' })).not.toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'GET' && r.path === DETAIL_PATH).length).toBeGreaterThan(1);
  });

  it('opens a ready document from its inline URL, with the toolbar, the outline and the scan banner', async () => {
    stubFetch(routes({}));
    const { user } = renderApp(READER_PATH);

    const toolbar = await screen.findByRole('toolbar', { name: 'Reader' });
    expect(engine.open).toHaveBeenCalledWith(expect.stringContaining(FILE_URL), expect.any(Function));
    const pageInput = within(toolbar).getByRole('textbox', { name: 'Page' });
    expect(pageInput).toHaveValue('1');
    expect(pageInput).toHaveAccessibleDescription('of 3');
    expect(within(toolbar).getByRole('button', { name: 'Previous page' })).toBeDisabled();
    expect(screen.getByRole('note')).toHaveTextContent(
      "1 page has no text layer (scanned); highlights can't anchor there.",
    );

    const outline = screen.getByRole('navigation', { name: 'Outline' });
    await user.click(within(outline).getByRole('button', { name: /^Results/ }));
    expect(pageInput).toHaveValue('3');
    expect(within(toolbar).getByRole('button', { name: 'Next page' })).toBeDisabled();

    await user.click(within(toolbar).getByRole('button', { name: 'Previous page' }));
    expect(pageInput).toHaveValue('2');

    const toggle = within(toolbar).getByRole('button', { name: 'Outline' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(outline).not.toBeVisible();
  });

  it('gives the pages the focus for the keys, without a focus ring framing the document', async () => {
    const focus = vi.spyOn(HTMLElement.prototype, 'focus');
    stubFetch(routes({}));
    renderApp(READER_PATH);

    const pages = await screen.findByRole('region', { name: 'Document pages' });
    expect(pages).toHaveFocus();
    // Opened from a link, nothing clicked yet, the browser would otherwise ring this focus.
    const call = focus.mock.contexts.indexOf(pages);
    expect(focus.mock.calls[call]).toEqual([{ preventScroll: true, focusVisible: false }]);
  });

  it('stays open while the rest of a large file streams in after the document opened', async () => {
    // pdf.js reads a large file's end by a range request and opens it from there, while the whole
    // file keeps downloading and reporting progress.
    let progress: ((loaded: number, total: number | null) => void) | undefined;
    engine.open.mockImplementation(
      (_url: string, onProgress?: (loaded: number, total: number | null) => void) => {
        progress = onProgress;
        return { promise: Promise.resolve(fakePdf(3)), destroy: vi.fn(async () => {}) };
      },
    );
    stubFetch(routes({}));
    renderApp(READER_PATH);

    expect(await screen.findByRole('toolbar', { name: 'Reader' })).toBeInTheDocument();
    act(() => progress?.(1_000_000, 1_278_455));
    act(() => progress?.(1_278_455, 1_278_455));
    expect(screen.getByRole('toolbar', { name: 'Reader' })).toBeInTheDocument();
    expect(screen.queryByRole('progressbar', { name: 'Loading the PDF' })).not.toBeInTheDocument();
  });

  it('changes the zoom from the menu and the buttons', async () => {
    stubFetch(routes({}));
    const { user } = renderApp(READER_PATH);
    const zoom = await screen.findByRole('combobox', { name: 'Zoom' });
    await user.selectOptions(zoom, '1.5');
    expect(zoom).toHaveValue('1.5');
    await user.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(zoom).toHaveValue('1.75');
    await user.keyboard('{Control>}-{/Control}');
    expect(zoom).toHaveValue('1.5');
    await user.click(screen.getByRole('button', { name: 'Fit width' }));
    expect(zoom).toHaveValue('page-width');
  });

  it('opens at the page named in the address', async () => {
    stubFetch(routes({}));
    renderApp(`${READER_PATH}#page=2`);
    expect(await screen.findByRole('textbox', { name: 'Page' })).toHaveValue('2');
  });

  it('explains a PDF that fails to load, and tries again with a new URL', async () => {
    stubFetch(routes({}));
    const invalid = Object.assign(new Error('Invalid PDF structure.'), { name: 'InvalidPDFException' });
    engine.open.mockImplementationOnce(() => ({
      promise: Promise.reject(invalid),
      destroy: vi.fn(async () => {}),
    }));
    const { user } = renderApp(READER_PATH);

    expect(await screen.findByRole('alert')).toHaveTextContent('This file is damaged or is not a PDF');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('toolbar', { name: 'Reader' })).toBeInTheDocument();
    const [failed, retried] = openedUrls();
    expect(retried).not.toBe(failed);
  });

  it('asks for a fresh URL by itself when the first one expired', async () => {
    stubFetch(routes({}));
    const expired = Object.assign(new Error('Forbidden'), { name: 'ResponseException', status: 403 });
    engine.open.mockImplementationOnce(() => ({
      promise: Promise.reject(expired),
      destroy: vi.fn(async () => {}),
    }));
    renderApp(READER_PATH);

    expect(await screen.findByRole('toolbar', { name: 'Reader' })).toBeInTheDocument();
    const [expiredUrl, freshUrl] = openedUrls();
    expect(engine.open).toHaveBeenCalledTimes(2);
    expect(freshUrl).not.toBe(expiredUrl);
  });
});
