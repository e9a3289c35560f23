import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TEAM, TEAM_DETAIL, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';
import { FakeSocket, stubWebSocket } from './test/fakeSocket';
import { FakeXhr, stubXhr } from './test/fakeXhr';
import { postTicket } from './test/uploadTicket';

const TEAM_API = `/api/v1/teams/${TEAM.id}`;
const LIBRARY = `/t/${TEAM.id}/library`;
const EMPTY_PAGE = { next: null, previous: null, results: [] };

function doc(id: string, changes: object = {}) {
  return {
    id,
    title: `Paper ${id}`,
    filename: `${id}.pdf`,
    size: 1000,
    state: 'ready',
    error: null,
    pages_done: 12,
    pages_total: 12,
    authors: [],
    doi: '',
    arxiv_id: '',
    duplicate_of: null,
    uploaded_by: { id: 'u1', name: 'Grace Hopper' },
    tags: [],
    collections: [],
    created_at: '2025-01-31T09:30:00Z',
    updated_at: '2025-01-31T09:30:00Z',
    ...changes,
  };
}

function libraryRoutes(documents: object = EMPTY_PAGE, detail: object = TEAM_DETAIL) {
  return {
    ...signedInRoutes(detail),
    [`GET ${TEAM_API}/documents`]: { body: documents },
    [`GET ${TEAM_API}/tags`]: { body: { results: [{ id: 't1', name: 'optics' }] } },
    [`GET ${TEAM_API}/collections`]: {
      body: { results: [{ id: 'c1', name: 'Thesis', description: '', created_at: '2025-01-31T09:30:00Z' }] },
    },
  };
}

const VIEWER = {
  ...TEAM_DETAIL,
  role: 'viewer' as const,
  permissions: ['team.view', 'team.leave', 'members.view', 'documents.view'],
};

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});

describe('LibraryPage', () => {
  it('shows the empty state and the upload controls to members who may upload', async () => {
    stubFetch(libraryRoutes());
    renderApp(LIBRARY);

    expect(await screen.findByRole('heading', { name: 'No documents yet' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload PDFs' })).toBeInTheDocument();
    const picker = screen.getByLabelText('Upload PDFs');
    expect(picker).toHaveAttribute('type', 'file');
    expect(picker).toHaveAttribute('multiple');
    expect(picker).toHaveAttribute('accept', 'application/pdf,.pdf');
  });

  it('shows viewers the documents but no upload control and no retry', async () => {
    stubFetch(
      libraryRoutes(
        {
          ...EMPTY_PAGE,
          results: [
            doc('d1', {
              state: 'failed',
              error: { code: 'storage_unavailable', message: 'Storage was away.', retryable: true },
            }),
          ],
        },
        VIEWER,
      ),
    );
    renderApp(LIBRARY);

    expect(await screen.findByText('Storage was away.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Upload PDFs' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Upload PDFs')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('lists documents with their details, progress and failures', async () => {
    stubFetch(
      libraryRoutes({
        ...EMPTY_PAGE,
        results: [
          doc('d1', { title: 'On light', authors: ['A. Fresnel', 'T. Young'], tags: ['optics', 'waves'] }),
          doc('d2', { title: 'Half read', state: 'parsing', pages_done: 3, pages_total: 12 }),
          doc('d3', {
            title: 'Broken',
            state: 'failed',
            error: { code: 'corrupt', message: 'The file is damaged.', retryable: false },
          }),
          doc('d4', { title: 'Again', duplicate_of: 'd1', uploaded_by: null }),
          doc('d5', {
            title: 'Unfetched',
            state: 'failed',
            error: { code: 'storage_unavailable', message: 'Storage was away.', retryable: true },
          }),
        ],
      }),
    );
    renderApp(LIBRARY);

    const ready = (await screen.findByRole('heading', { name: 'On light' })).closest('li')!;
    expect(within(ready).getByRole('link', { name: 'On light' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/documents/d1`,
    );
    expect(ready).toHaveTextContent('A. Fresnel, T. Young');
    expect(ready).toHaveTextContent('12 pages');
    expect(ready).toHaveTextContent('Uploaded by Grace Hopper');
    expect(within(ready).getByText('Ready')).toBeInTheDocument();
    expect(within(within(ready).getByRole('list', { name: 'Tags' })).getAllByRole('listitem')).toHaveLength(
      2,
    );

    const parsing = screen.getByRole('heading', { name: 'Half read' }).closest('li')!;
    expect(within(parsing).queryByRole('link')).not.toBeInTheDocument();
    const bar = within(parsing).getByRole('progressbar', { name: 'Reading Half read' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(bar).toHaveAttribute('aria-valuetext', '3 of 12 pages');

    const failed = screen.getByRole('heading', { name: 'Broken' }).closest('li')!;
    expect(failed).toHaveTextContent('The file is damaged.');
    // The file itself is the problem: reading it again would fail the same way.
    expect(within(failed).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    const unfetched = screen.getByRole('heading', { name: 'Unfetched' }).closest('li')!;
    expect(within(unfetched).getByRole('button', { name: 'Retry' })).toBeInTheDocument();

    const duplicate = screen.getByRole('heading', { name: 'Again' }).closest('li')!;
    expect(within(duplicate).getByRole('link', { name: 'Duplicate' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/documents/d1`,
    );
    expect(duplicate).toHaveTextContent('Uploaded by a former member');
  });

  it('turns filters and the sort order into query parameters', async () => {
    const requests = stubFetch({
      ...libraryRoutes({ ...EMPTY_PAGE, results: [doc('d1')] }),
      [`GET ${TEAM_API}/documents?state=ready`]: { body: EMPTY_PAGE },
      [`GET ${TEAM_API}/documents?state=ready&tag=optics`]: { body: EMPTY_PAGE },
      [`GET ${TEAM_API}/documents?state=ready&tag=optics&collection=c1`]: { body: EMPTY_PAGE },
      [`GET ${TEAM_API}/documents?state=ready&tag=optics&collection=c1&ordering=title`]: {
        body: { ...EMPTY_PAGE, results: [doc('d5', { title: 'Alphabetical' })] },
      },
    });
    const { user } = renderApp(LIBRARY);
    await screen.findByRole('heading', { name: 'Paper d1' });

    await user.selectOptions(screen.getByLabelText('State'), 'Ready');
    expect(
      await screen.findByRole('heading', { name: 'No documents match these filters' }),
    ).toBeInTheDocument();
    await user.selectOptions(await screen.findByLabelText('Tag'), 'optics');
    await user.selectOptions(screen.getByLabelText('Collection'), 'Thesis');
    await user.selectOptions(screen.getByLabelText('Sort'), 'Title A–Z');

    expect(await screen.findByRole('heading', { name: 'Alphabetical' })).toBeInTheDocument();
    // (StrictMode mounts twice, which may cancel and repeat the first request.)
    const paths = requests.filter((r) => r.path.startsWith(`${TEAM_API}/documents`)).map((r) => r.path);
    expect([...new Set(paths)]).toEqual([
      `${TEAM_API}/documents`,
      `${TEAM_API}/documents?state=ready`,
      `${TEAM_API}/documents?state=ready&tag=optics`,
      `${TEAM_API}/documents?state=ready&tag=optics&collection=c1`,
      `${TEAM_API}/documents?state=ready&tag=optics&collection=c1&ordering=title`,
    ]);
    expect(screen.getByTestId('location')).toHaveTextContent(
      `${LIBRARY}?state=ready&tag=optics&collection=c1&ordering=title`,
    );
  });

  it('loads more with the next cursor', async () => {
    stubFetch({
      ...libraryRoutes({
        next: `http://testserver${TEAM_API}/documents?cursor=abc%3D`,
        previous: null,
        results: [doc('d1')],
      }),
      [`GET ${TEAM_API}/documents?cursor=abc%3D`]: { body: { ...EMPTY_PAGE, results: [doc('d2')] } },
    });
    const { user } = renderApp(LIBRARY);
    await screen.findByRole('heading', { name: 'Paper d1' });

    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('heading', { name: 'Paper d2' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Paper d1' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('switches between the list and the grid', async () => {
    stubFetch(libraryRoutes({ ...EMPTY_PAGE, results: [doc('d1')] }));
    const { user } = renderApp(LIBRARY);
    const list = (await screen.findByRole('heading', { name: 'Paper d1' })).closest('ul')!;
    expect(list).toHaveClass('doc-list-list');

    await user.click(screen.getByRole('button', { name: 'Grid' }));

    expect(screen.getByRole('button', { name: 'Grid' })).toHaveAttribute('aria-pressed', 'true');
    expect(list).toHaveClass('doc-list-grid');
    localStorage.clear();
  });

  it('uploads a picked file with byte progress, then follows its parse over the websocket', async () => {
    stubXhr();
    let listed = false;
    let document1 = doc('new', { title: 'fresh', state: 'queued', pages_done: 0, pages_total: null });
    const requests = stubFetch({
      ...libraryRoutes(),
      [`GET ${TEAM_API}/documents`]: () => ({
        body: listed ? { ...EMPTY_PAGE, results: [document1] } : EMPTY_PAGE,
      }),
      [`POST ${TEAM_API}/documents/uploads`]: {
        status: 201,
        body: postTicket({ id: 'up1', filename: 'fresh.pdf' }),
      },
      [`POST ${TEAM_API}/documents/uploads/up1/complete`]: () => {
        listed = true;
        return { status: 201, body: document1 };
      },
      [`GET ${TEAM_API}/documents/new`]: () => ({ body: { ...document1, pages_without_text: [2] } }),
    });
    const { user } = renderApp(LIBRARY);
    await screen.findByRole('heading', { name: 'No documents yet' });

    await user.upload(
      screen.getByLabelText('Upload PDFs'),
      new File(['%PDF'], 'fresh.pdf', { type: 'application/pdf' }),
    );

    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    FakeXhr.sent[0].progress(2);
    const uploading = await screen.findByRole('progressbar', { name: 'Uploading fresh.pdf' });
    await waitFor(() => expect(uploading).toHaveAttribute('aria-valuenow', '50'));

    FakeXhr.sent[0].respond(204);
    const uploads = screen.getByRole('list', { name: 'Uploads' });
    await within(uploads).findByRole('progressbar', { name: 'Reading fresh.pdf' });
    // The new document joins the list too.
    expect(await screen.findByRole('heading', { name: 'fresh' })).toBeInTheDocument();

    const event = { type: 'document.progress', team_id: TEAM.id, document_id: 'new', error: null };
    FakeSocket.last.receive({ ...event, state: 'parsing', pages_done: 1, pages_total: 4 });
    await waitFor(() =>
      expect(within(uploads).getByRole('progressbar', { name: 'Reading fresh.pdf' })).toHaveAttribute(
        'aria-valuenow',
        '25',
      ),
    );

    document1 = { ...document1, state: 'ready', pages_done: 4, pages_total: 4 };
    FakeSocket.last.receive({ ...event, state: 'ready', pages_done: 4, pages_total: 4 });
    expect(await within(uploads).findByRole('link', { name: 'Open' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/documents/new`,
    );
    expect(uploads).toHaveTextContent('fresh · 4 pages · 1 page without text');
    expect(screen.getByTestId('announcer')).toHaveTextContent('fresh is ready.');
    expect(requests.some((r) => r.method === 'POST' && r.path.endsWith('/complete'))).toBe(true);
    vi.unstubAllGlobals();
  });

  it("says why an uploaded file could not be read, offers no retry when it is the file's fault, and lets the row go", async () => {
    stubXhr();
    let document1: object = doc('bad', {
      title: 'cut',
      state: 'queued',
      pages_done: 0,
      pages_total: null,
    });
    stubFetch({
      ...libraryRoutes(),
      [`GET ${TEAM_API}/documents`]: () => ({ body: { ...EMPTY_PAGE, results: [document1] } }),
      [`POST ${TEAM_API}/documents/uploads`]: {
        status: 201,
        body: postTicket({ id: 'up2', filename: 'cut.pdf' }),
      },
      [`POST ${TEAM_API}/documents/uploads/up2/complete`]: () => ({ status: 201, body: document1 }),
      [`GET ${TEAM_API}/documents/bad`]: () => ({ body: { ...document1, pages_without_text: [] } }),
    });
    const { user } = renderApp(LIBRARY);
    await user.upload(
      await screen.findByLabelText('Upload PDFs'),
      new File(['%PDF'], 'cut.pdf', { type: 'application/pdf' }),
    );
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    FakeXhr.sent[0].respond(204);
    const uploads = await screen.findByRole('list', { name: 'Uploads' });
    await within(uploads).findByRole('progressbar', { name: 'Reading cut.pdf' });

    const error = { code: 'corrupt', message: 'The PDF is damaged or incomplete.', retryable: false };
    document1 = { ...document1, state: 'failed', error };
    FakeSocket.last.receive({
      type: 'document.progress',
      team_id: TEAM.id,
      document_id: 'bad',
      state: 'failed',
      pages_done: 0,
      pages_total: null,
      error,
    });
    expect(await within(uploads).findByText(/The PDF is damaged or incomplete\./)).toBeInTheDocument();
    expect(within(uploads).getByText('Failed')).toBeInTheDocument(); // as a ready upload shows Ready
    expect(within(uploads).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();

    // Dismiss sits where a refused upload's does: in the row's actions, not after the message.
    const dismiss = within(uploads).getByRole('button', { name: 'Dismiss' });
    expect(dismiss.parentElement).toHaveClass('upload-row-actions');
    await user.click(dismiss);
    expect(screen.queryByRole('list', { name: 'Uploads' })).not.toBeInTheDocument();
    // The document stays in the library, with its failure.
    const row = screen.getByRole('heading', { name: 'cut' }).closest('li')!;
    expect(row).toHaveTextContent('The PDF is damaged or incomplete.');
    vi.unstubAllGlobals();
  });
});
