import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Collection } from '../api/types';
import { TEAM, TEAM_DETAIL, apiError, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';
import { stubWebSocket } from './test/fakeSocket';

const TEAM_API = `/api/v1/teams/${TEAM.id}`;
const LIBRARY = `/t/${TEAM.id}/library`;
const THESIS: Collection = { id: 'c1', name: 'Thesis', description: '', created_at: '2025-01-31T09:30:00Z' };
const EMPTY_PAGE = { next: null, previous: null, results: [] };

const EDITOR = {
  ...TEAM_DETAIL,
  role: 'editor' as const,
  permissions: ['team.view', 'documents.view', 'documents.upload', 'documents.edit_own'],
};

/** The library with a collections endpoint that answers with whatever `state.collections` holds. */
function library(teamDetail: object, collections: Collection[]) {
  const state = { collections };
  const routes = {
    ...signedInRoutes(teamDetail),
    [`GET ${TEAM_API}/collections`]: () => ({ body: { results: state.collections } }),
  };
  return { state, routes };
}

const filterOptions = () =>
  within(screen.getByLabelText('Collection'))
    .getAllByRole('option')
    .map((option) => option.textContent);

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});

describe('CollectionsDialog', () => {
  it('creates a collection, which the filter then lists', async () => {
    const { state, routes } = library(TEAM_DETAIL, [THESIS]);
    const requests = stubFetch({
      ...routes,
      [`POST ${TEAM_API}/collections`]: ({ body }) => {
        const created = { id: 'c2', created_at: '2025-02-01T09:30:00Z', ...(body as object) } as Collection;
        state.collections = [...state.collections, created];
        return { status: 201, body: created };
      },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(await screen.findByRole('button', { name: 'Manage collections' }));
    const dialog = screen.getByRole('dialog', { name: 'Collections' });
    expect(within(dialog).getByText('Thesis')).toBeInTheDocument();
    const name = within(dialog).getByLabelText('Name');
    expect(name).toHaveFocus();
    await user.type(name, 'Optics');
    await user.type(within(dialog).getByLabelText('Description (optional)'), 'Lenses and light');
    await user.click(within(dialog).getByRole('button', { name: 'Create collection' }));

    expect(await within(dialog).findByText('Lenses and light')).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      name: 'Optics',
      description: 'Lenses and light',
    });
    expect(name).toHaveValue('');
    expect(screen.getByTestId('announcer')).toHaveTextContent('Collection Optics created.');

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(filterOptions()).toEqual(['All collections', 'Thesis', 'Optics']);
  });

  it("shows the server's message when the name is taken", async () => {
    const { routes } = library(TEAM_DETAIL, [THESIS]);
    stubFetch({
      ...routes,
      [`POST ${TEAM_API}/collections`]: {
        status: 409,
        body: apiError('name_taken', 'The team already has a collection named “Thesis”.', {
          name: ['The team already has a collection named “Thesis”. Choose another name.'],
        }),
      },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(await screen.findByRole('button', { name: 'Manage collections' }));
    const dialog = screen.getByRole('dialog', { name: 'Collections' });
    await user.type(within(dialog).getByLabelText('Name'), 'thesis');
    await user.click(within(dialog).getByRole('button', { name: 'Create collection' }));

    expect(
      await within(dialog).findByText(
        'The team already has a collection named “Thesis”. Choose another name.',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('deletes a collection after asking, and the library stops filtering by it', async () => {
    const { state, routes } = library(TEAM_DETAIL, [THESIS]);
    const requests = stubFetch({
      ...routes,
      [`GET ${TEAM_API}/documents?collection=c1`]: { body: EMPTY_PAGE },
      [`DELETE ${TEAM_API}/collections/c1`]: () => {
        state.collections = [];
        return { status: 204 };
      },
    });
    const { user } = renderApp(`${LIBRARY}?collection=c1`);

    await user.click(await screen.findByRole('button', { name: 'Manage collections' }));
    const dialog = screen.getByRole('dialog', { name: 'Collections' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete collection Thesis' }));
    const question = within(dialog).getByRole('group', { name: 'Delete collection Thesis?' });
    expect(question).toHaveTextContent('Delete Thesis? Its documents stay in the library.');
    await user.click(within(question).getByRole('button', { name: 'Yes, delete' }));

    expect(await within(dialog).findByText('No collections yet.')).toBeInTheDocument();
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
    expect(screen.getByTestId('location')).toHaveTextContent(new RegExp(`${LIBRARY}$`));
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(filterOptions()).toEqual(['All collections']));
  });

  it("shows the server's refusal to delete", async () => {
    const { routes } = library(TEAM_DETAIL, [THESIS]);
    stubFetch({
      ...routes,
      [`DELETE ${TEAM_API}/collections/c1`]: {
        status: 403,
        body: apiError('permission_denied', "You cannot delete other people's documents."),
      },
    });
    const { user } = renderApp(LIBRARY);

    await user.click(await screen.findByRole('button', { name: 'Manage collections' }));
    const dialog = screen.getByRole('dialog', { name: 'Collections' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete collection Thesis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Yes, delete' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "You cannot delete other people's documents.",
    );
  });

  it('lets editors create collections but not delete them', async () => {
    const { routes } = library(EDITOR, [THESIS]);
    stubFetch(routes);
    const { user } = renderApp(LIBRARY);

    await user.click(await screen.findByRole('button', { name: 'Manage collections' }));
    const dialog = screen.getByRole('dialog', { name: 'Collections' });
    expect(within(dialog).getByText('Thesis')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create collection' })).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
  });

  it('is not offered to viewers', async () => {
    const viewer = { ...TEAM_DETAIL, role: 'viewer' as const, permissions: ['team.view', 'documents.view'] };
    const { routes } = library(viewer, [THESIS]);
    stubFetch(routes);
    renderApp(LIBRARY);

    expect(await screen.findByRole('heading', { name: 'No documents yet' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Manage collections' })).not.toBeInTheDocument();
  });
});
