import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentDetail, DocumentVersion } from '../api/types';
import { TEAM, apiError, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';
import { FakeXhr, stubXhr } from './test/fakeXhr';
import { stubWebSocket } from './test/fakeSocket';
import { postTicket } from './test/uploadTicket';

const DOC_ID = '5f0c8d7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';
const TEAM_API = `/api/v1/teams/${TEAM.id}`;
const DETAIL_PATH = `${TEAM_API}/documents/${DOC_ID}`;
const READER_PATH = `/t/${TEAM.id}/documents/${DOC_ID}`;

// The file of version 1 could not be read: the reader shows the header without opening a PDF.
const DOCUMENT: DocumentDetail = {
  id: DOC_ID,
  title: 'Optical tweezers',
  filename: 'tweezers.pdf',
  size: 2048,
  state: 'failed',
  error: { code: 'corrupt', message: 'The file is damaged.', retryable: false },
  pages_done: 0,
  pages_total: null,
  authors: [],
  doi: '',
  arxiv_id: '',
  duplicate_of: null,
  uploaded_by: null,
  tags: ['optics'],
  collections: [],
  created_at: '2025-02-01T10:00:00Z',
  updated_at: '2025-02-01T10:00:00Z',
  version: 1,
  metadata: null,
  outline: [],
  pages_without_text: [],
  parsed_at: null,
  sha256: '',
};

const version = (number: number, changes: Partial<DocumentVersion> = {}): DocumentVersion => ({
  number,
  filename: `tweezers-v${number}.pdf`,
  size: 2048 * number,
  sha256: '',
  pages_total: number === 1 ? null : 4,
  uploaded_by: { id: 'u1', name: 'Grace Hopper' },
  created_at: '2025-02-01T10:00:00Z',
  is_current: false,
  error: null,
  ...changes,
});

const TICKET = postTicket({
  filename: 'tweezers-v2.pdf',
  target: { method: 'POST', url: 'http://storage.test/bucket', fields: { key: 'k' }, file_field: 'file' },
});

let assign: ReturnType<typeof vi.fn>;

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubWebSocket();
  assign = vi.fn();
  vi.stubGlobal('location', { ...window.location, assign });
});
afterEach(() => vi.unstubAllGlobals());

describe('VersionsDialog', () => {
  it('lists the versions with downloads, uploads a new one to the target the API gives, and follows it', async () => {
    stubXhr();
    let detail = DOCUMENT;
    let versions = [version(1, { is_current: true })];
    const requests = stubFetch({
      ...signedInRoutes(),
      [`GET ${DETAIL_PATH}`]: () => ({ body: detail }),
      [`GET ${DETAIL_PATH}/versions`]: () => ({ body: { results: versions } }),
      [`GET ${DETAIL_PATH}/versions/1/download`]: {
        body: { url: 'http://storage.test/v1.pdf', expires_in: 300 },
      },
      [`POST ${TEAM_API}/documents/uploads`]: { status: 201, body: TICKET },
      [`POST ${TEAM_API}/documents/uploads/up1/complete`]: () => {
        detail = { ...DOCUMENT, version: 2, state: 'queued', error: null, filename: 'tweezers-v2.pdf' };
        versions = [version(2, { is_current: true, pages_total: null }), version(1)];
        return { status: 201, body: detail };
      },
    });
    const { user } = renderApp(READER_PATH);

    await user.click(await screen.findByRole('button', { name: 'Version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions' });
    const list = await within(dialog).findByRole('list', { name: 'Versions' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('Version 1');
    expect(list).toHaveTextContent('Current');

    await user.click(within(dialog).getByRole('button', { name: 'Download version 1' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('http://storage.test/v1.pdf'));

    await user.upload(
      within(dialog).getByLabelText('New version of the PDF'),
      new File(['%PDF'], 'tweezers-v2.pdf', { type: 'application/pdf' }),
    );
    // The start names the document; the bytes go where the API said, never through the API.
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    const start = requests.find((request) => request.path === `${TEAM_API}/documents/uploads`);
    expect(start?.body).toMatchObject({ filename: 'tweezers-v2.pdf', size: 4, document: DOC_ID });
    expect(FakeXhr.sent[0].url).toBe('http://storage.test/bucket');
    FakeXhr.sent[0].progress(2);
    await waitFor(() =>
      expect(within(dialog).getByRole('progressbar', { name: 'Uploading tweezers-v2.pdf' })).toHaveAttribute(
        'aria-valuenow',
        '50',
      ),
    );
    FakeXhr.sent[0].respond(204);

    expect(await within(dialog).findByText('tweezers-v2.pdf uploaded as version 2.')).toBeInTheDocument();
    // The document is read again: its state and the new version show live, here and in the header.
    await waitFor(() => expect(within(dialog).getAllByRole('listitem')).toHaveLength(2));
    expect(dialog).toHaveTextContent('Version 2');
    expect(within(dialog).getByText('Queued')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Upload new version' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Version 2' })).toBeInTheDocument();
    expect(screen.getByText('Waiting for its turn to be read…')).toBeInTheDocument();
  });

  it("shows the server's refusal of the new version", async () => {
    stubXhr();
    stubFetch({
      ...signedInRoutes(),
      [`GET ${DETAIL_PATH}`]: { body: DOCUMENT },
      [`GET ${DETAIL_PATH}/versions`]: { body: { results: [version(1, { is_current: true })] } },
      [`POST ${TEAM_API}/documents/uploads`]: {
        status: 409,
        body: apiError('storage_limit_reached', 'This upload would take your team over its storage.'),
      },
    });
    const { user } = renderApp(READER_PATH);
    await user.click(await screen.findByRole('button', { name: 'Version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions' });
    await user.upload(
      within(dialog).getByLabelText('New version of the PDF'),
      new File(['%PDF'], 'big.pdf', { type: 'application/pdf' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'This upload would take your team over its storage.',
    );
    expect(FakeXhr.sent).toHaveLength(0);
  });

  it('shows a version whose file could not be read, and that the document stayed on the one before', async () => {
    stubFetch({
      ...signedInRoutes(),
      [`GET ${DETAIL_PATH}`]: { body: DOCUMENT },
      [`GET ${DETAIL_PATH}/versions`]: {
        body: {
          results: [
            version(2, {
              error: { code: 'encrypted', message: 'The PDF is protected by a password.', retryable: false },
            }),
            version(1, { is_current: true }),
          ],
        },
      },
    });
    const { user } = renderApp(READER_PATH);
    await user.click(await screen.findByRole('button', { name: 'Version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions' });
    const rejected = (await within(dialog).findByText('Version 2')).closest('li')!;
    expect(within(rejected).getByText('Could not be read')).toBeInTheDocument();
    expect(rejected).toHaveTextContent(
      'The PDF is protected by a password. The document stayed on the version before',
    );
    expect(within(rejected).queryByText('Current')).not.toBeInTheDocument();
  });

  it('offers viewers the versions but no upload', async () => {
    stubFetch({
      ...signedInRoutes(),
      [`GET ${TEAM_API}`]: {
        body: {
          ...TEAM,
          role: 'viewer',
          seat_limit: null,
          seats_used: 2,
          permissions: ['team.view', 'team.leave', 'members.view', 'documents.view', 'annotations.comment'],
        },
      },
      [`GET ${DETAIL_PATH}`]: { body: DOCUMENT },
      [`GET ${DETAIL_PATH}/versions`]: { body: { results: [version(2, { is_current: true }), version(1)] } },
    });
    const { user } = renderApp(READER_PATH);
    await user.click(await screen.findByRole('button', { name: 'Version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions' });
    expect(await within(dialog).findAllByRole('button', { name: /Download version/ })).toHaveLength(2);
    expect(within(dialog).queryByRole('button', { name: 'Upload new version' })).not.toBeInTheDocument();
  });
});
