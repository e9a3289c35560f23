import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '../api/types';
import { TEAM, TEAM_DETAIL, USER, apiError, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';
import { stubWebSocket } from './test/fakeSocket';

const TEAM_API = `/api/v1/teams/${TEAM.id}`;
const LIBRARY = `/t/${TEAM.id}/library`;
const MINE = 'd0000000-0000-4000-8000-000000000001';
const THEIRS = 'd0000000-0000-4000-8000-000000000002';
const THESIS = { id: 'c1', name: 'Thesis', description: '', created_at: '2025-01-31T09:30:00Z' };
const REVIEW = { id: 'c2', name: 'Review', description: '', created_at: '2025-01-31T09:30:00Z' };

function doc(id: string, changes: Partial<DocumentSummary> = {}): DocumentSummary {
  return {
    id,
    title: `Paper ${id.slice(-1)}`,
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
    uploaded_by: { id: USER.id, name: USER.display_name },
    tags: [],
    collections: [],
    created_at: '2025-01-31T09:30:00Z',
    updated_at: '2025-01-31T09:30:00Z',
    version: 1,
    ...changes,
  };
}

const detailOf = (document: DocumentSummary) => ({
  ...document,
  metadata: null,
  outline: [],
  pages_without_text: [],
  parsed_at: null,
  sha256: 'ab'.repeat(32),
});

const EDITOR = {
  ...TEAM_DETAIL,
  role: 'editor' as const,
  permissions: [
    'team.view',
    'team.leave',
    'members.view',
    'documents.view',
    'documents.upload',
    'documents.edit_own',
    'annotations.comment',
    'annotations.highlight',
  ],
};

const VIEWER = {
  ...TEAM_DETAIL,
  role: 'viewer' as const,
  permissions: ['team.view', 'team.leave', 'members.view', 'documents.view', 'annotations.comment'],
};

/** A small fake library: the list answers with whatever `documents` holds at the time. */
function library(teamDetail: object, documents: DocumentSummary[]) {
  const state = { documents };
  const routes = {
    ...signedInRoutes(teamDetail),
    [`GET ${TEAM_API}/documents`]: () => ({
      body: { next: null, previous: null, results: state.documents },
    }),
    [`GET ${TEAM_API}/tags`]: { body: { results: [{ id: 't1', name: 'optics' }] } },
    [`GET ${TEAM_API}/collections`]: { body: { results: [THESIS, REVIEW] } },
  };
  return { state, routes };
}

const card = async (title: string) => (await screen.findByRole('heading', { name: title })).closest('li')!;

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});

describe('DocumentEditDialog', () => {
  it('lets an editor rename, tag and file a document they uploaded', async () => {
    const mine = doc(MINE, { title: 'Draft', tags: ['waves'], collections: [{ id: 'c2', name: 'Review' }] });
    const { state, routes } = library(EDITOR, [
      mine,
      doc(THEIRS, { uploaded_by: { id: 'u2', name: 'Bob' } }),
    ]);
    const requests = stubFetch({
      ...routes,
      [`PATCH ${TEAM_API}/documents/${MINE}`]: ({ body }) => {
        const changes = body as { title: string; tags: string[] };
        const updated = {
          ...mine,
          title: changes.title,
          tags: changes.tags,
          collections: [{ id: 'c1', name: 'Thesis' }],
        };
        state.documents = [updated, state.documents[1]];
        return { body: detailOf(updated) };
      },
    });
    const { user } = renderApp(LIBRARY);

    // Only their own document has an Edit button.
    expect(within(await card('Paper 2')).queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    await user.click(within(await card('Draft')).getByRole('button', { name: 'Edit' }));

    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    const title = within(dialog).getByLabelText('Title');
    expect(title).toHaveFocus();
    await user.clear(title);
    await user.type(title, 'On light');

    const tags = within(dialog).getByLabelText('Tags');
    // The team's tags are offered, less the ones already chosen.
    expect([...dialog.querySelectorAll('datalist option')].map((o) => o.getAttribute('value'))).toEqual([
      'optics',
    ]);
    await user.type(tags, 'optics{Enter}lasers,');
    await user.type(tags, 'mistake{Enter}');
    const chosen = within(dialog).getByRole('list', { name: 'Chosen tags' });
    expect(
      within(chosen)
        .getAllByRole('listitem')
        .map((li) => li.firstChild?.textContent),
    ).toEqual(['waves', 'optics', 'lasers', 'mistake']);
    await user.click(within(dialog).getByRole('button', { name: 'Remove tag waves' }));
    await user.type(tags, '{Backspace}'); // the input is empty: removes "mistake"
    expect(within(chosen).getAllByRole('listitem')).toHaveLength(2);

    const collections = within(dialog).getByRole('group', { name: 'Collections' });
    expect(within(collections).getByLabelText('Review')).toBeChecked();
    await user.click(within(collections).getByLabelText('Thesis'));
    await user.click(within(collections).getByLabelText('Review'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const patch = requests.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ title: 'On light', tags: ['optics', 'lasers'], collection_ids: ['c1'] });
    // The list was refetched and shows the change.
    const renamed = await card('On light');
    expect(within(renamed).getByRole('list', { name: 'Tags' })).toHaveTextContent('opticslasers');
  });

  it('sends only what changed, and a tag still being typed counts', async () => {
    const mine = doc(MINE, { title: 'Draft', tags: ['waves'] });
    const { routes } = library(EDITOR, [mine]);
    const requests = stubFetch({
      ...routes,
      [`PATCH ${TEAM_API}/documents/${MINE}`]: { body: detailOf({ ...mine, tags: ['waves', 'optics'] }) },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(within(await card('Draft')).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    await user.type(within(dialog).getByLabelText('Tags'), 'optics');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({
      tags: ['waves', 'optics'],
    });
  });

  it("shows the server's field errors and its refusal", async () => {
    const { routes } = library(EDITOR, [doc(MINE, { title: 'Draft' })]);
    let answer = {
      status: 400,
      body: apiError('invalid', 'Title: This field may not be blank.', {
        title: ['This field may not be blank.'],
      }),
    };
    stubFetch({ ...routes, [`PATCH ${TEAM_API}/documents/${MINE}`]: () => answer });
    const { user } = renderApp(LIBRARY);

    await user.click(within(await card('Draft')).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    await user.clear(within(dialog).getByLabelText('Title'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const title = within(dialog).getByLabelText('Title');
    expect(await within(dialog).findByText('This field may not be blank.')).toBeInTheDocument();
    expect(title).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveFocus();

    answer = {
      status: 403,
      body: apiError('permission_denied', 'You can change only the documents you uploaded.'),
    };
    await user.type(title, 'New');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'You can change only the documents you uploaded.',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('shows viewers no Edit button, even on a document they uploaded when they were an editor', async () => {
    const { routes } = library(VIEWER, [doc(MINE, { title: 'Draft' })]);
    stubFetch(routes);
    renderApp(LIBRARY);

    expect(within(await card('Draft')).queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });

  it('shows admins and owners Edit on anyone’s document', async () => {
    const { routes } = library(TEAM_DETAIL, [doc(THEIRS, { uploaded_by: { id: 'u2', name: 'Bob' } })]);
    stubFetch(routes);
    renderApp(LIBRARY);
    expect(within(await card('Paper 2')).getByRole('button', { name: 'Edit' })).toBeInTheDocument();
  });

  it('deletes a document after asking, naming it', async () => {
    const { state, routes } = library(EDITOR, [doc(MINE, { title: 'Draft' }), doc(THEIRS)]);
    const requests = stubFetch({
      ...routes,
      [`DELETE ${TEAM_API}/documents/${MINE}`]: () => {
        state.documents = state.documents.filter((document) => document.id !== MINE);
        return { status: 204 };
      },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(within(await card('Draft')).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete document' }));
    const question = within(dialog).getByRole('group', { name: 'Delete document?' });
    expect(question).toHaveTextContent('Delete Draft and its file for everyone in the team?');
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);
    await user.click(within(question).getByRole('button', { name: 'Yes, delete' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.queryByRole('heading', { name: 'Draft' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Paper 2' })).toBeInTheDocument();
    expect(screen.getByTestId('announcer')).toHaveTextContent('Draft was deleted.');
  });

  it("shows the server's refusal to delete", async () => {
    const { routes } = library(EDITOR, [doc(MINE, { title: 'Draft' })]);
    stubFetch({
      ...routes,
      [`DELETE ${TEAM_API}/documents/${MINE}`]: {
        status: 403,
        body: apiError('permission_denied', 'You can change only the documents you uploaded.'),
      },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(within(await card('Draft')).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Document details' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete document' }));
    await user.click(within(dialog).getByRole('button', { name: 'Yes, delete' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'You can change only the documents you uploaded.',
    );
    expect(screen.getByRole('heading', { name: 'Draft' })).toBeInTheDocument();
  });
});

describe('Editing from the reader', () => {
  // A failed document: the reader shows its header without drawing a PDF (pdf.js does not run in jsdom).
  const failed = doc(MINE, {
    title: 'Unreadable',
    state: 'failed',
    error: { code: 'corrupt', message: 'The file is damaged.', retryable: false },
  });
  const READER = `/t/${TEAM.id}/documents/${MINE}`;

  it('renames the document in place', async () => {
    const { routes } = library(EDITOR, [failed]);
    stubFetch({
      ...routes,
      [`GET ${TEAM_API}/documents/${MINE}`]: { body: detailOf(failed) },
      [`PATCH ${TEAM_API}/documents/${MINE}`]: { body: detailOf({ ...failed, title: 'Readable at last' }) },
    });
    const { user } = renderApp(READER);

    await screen.findByRole('heading', { name: 'Unreadable', level: 1 });
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const title = screen.getByLabelText('Title');
    await user.clear(title);
    await user.type(title, 'Readable at last');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('heading', { name: 'Readable at last', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('goes back to the library after deleting', async () => {
    const { state, routes } = library(EDITOR, [failed]);
    const requests = stubFetch({
      ...routes,
      [`GET ${TEAM_API}/documents/${MINE}`]: { body: detailOf(failed) },
      [`DELETE ${TEAM_API}/documents/${MINE}`]: () => {
        state.documents = [];
        return { status: 204 };
      },
    });
    const { user } = renderApp(READER);

    await screen.findByRole('heading', { name: 'Unreadable', level: 1 });
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    await user.click(screen.getByRole('button', { name: 'Delete document' }));
    await user.click(screen.getByRole('button', { name: 'Yes, delete' }));

    expect(await screen.findByRole('heading', { name: 'No documents yet' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(LIBRARY);
    // The deleted document is not asked for again (it would only answer 404).
    const deletedAt = requests.findIndex((request) => request.method === 'DELETE');
    expect(requests.slice(deletedAt + 1).map((request) => request.path)).not.toContain(
      `${TEAM_API}/documents/${MINE}`,
    );
  });

  it('shows viewers no Edit button', async () => {
    const { routes } = library(VIEWER, [failed]);
    stubFetch({ ...routes, [`GET ${TEAM_API}/documents/${MINE}`]: { body: detailOf(failed) } });
    renderApp(READER);

    await screen.findByRole('heading', { name: 'Unreadable', level: 1 });
    expect(screen.getByRole('button', { name: 'Download PDF' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});
