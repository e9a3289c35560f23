import { act, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_MEMBERSHIP_ENDED } from '../api/events';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { LAB, LAB_DETAIL, TEAM_AS_VIEWER } from '../teams/testData';
import { TEAM, TEAM_DETAIL, apiError, signedInRoutes, stubFetch, type StubResponse } from '../test/fetchStub';
import { renderApp } from '../test/render';

const NOT_FOUND: StubResponse = { status: 404, body: apiError('not_found', 'Not found.') };
const EMPTY_PAGE = { next: null, previous: null, results: [] };

/** The routes of LAB's library, besides those of the personal TEAM. */
function labRoutes(detail: () => StubResponse) {
  const lab = `/api/v1/teams/${LAB.id}`;
  return {
    [`GET ${lab}`]: detail,
    [`GET ${lab}/documents`]: { body: EMPTY_PAGE },
    [`GET ${lab}/tags`]: { body: { results: [] } },
    [`GET ${lab}/collections`]: { body: { results: [] } },
    [`GET ${lab}/notifications?page_size=20`]: { body: { ...EMPTY_PAGE, unread_count: 0 } },
  };
}

beforeEach(() => {
  localStorage.clear();
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});

describe('live changes of the user’s own membership', () => {
  it('an open library stops offering Upload as soon as the user is made a viewer', async () => {
    let detail: object = TEAM_DETAIL;
    stubFetch({ ...signedInRoutes(), [`GET /api/v1/teams/${TEAM.id}`]: () => ({ body: detail }) });
    renderApp(`/t/${TEAM.id}/library`);

    expect(await screen.findByRole('button', { name: 'Upload PDFs' })).toBeInTheDocument();
    detail = TEAM_AS_VIEWER;
    act(() => {
      FakeSocket.last.open();
      FakeSocket.last.receive({ type: 'membership.changed', team_id: TEAM.id, role: 'viewer' });
    });

    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Upload PDFs' })).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('heading', { name: 'No documents yet' })).toBeInTheDocument();
  });

  it('says the user no longer has access to the team they were removed from, and offers the others', async () => {
    let removed = false;
    stubFetch({
      ...signedInRoutes(),
      'GET /api/v1/teams': () => ({ body: { results: removed ? [TEAM] : [TEAM, LAB] } }),
      ...labRoutes(() => (removed ? NOT_FOUND : { body: LAB_DETAIL })),
    });
    renderApp(`/t/${LAB.id}/library`);

    expect(await screen.findByRole('heading', { name: 'No documents yet' })).toBeInTheDocument();
    removed = true;
    act(() => FakeSocket.last.drop(CLOSE_MEMBERSHIP_ENDED));

    expect(
      await screen.findByRole('heading', { name: `You no longer have access to ${LAB.name}` }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Page not found/)).not.toBeInTheDocument();
    const others = screen.getByRole('navigation', { name: 'Your other teams' });
    expect(within(others).getByRole('link', { name: TEAM.name })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/library`,
    );
    expect(within(others).queryByRole('link', { name: LAB.name })).not.toBeInTheDocument();
    // The home page must not lead back to the lost team.
    expect(localStorage.getItem('scrollkeeper.lastTeam')).toBeNull();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
  });

  it('a team never opened in this tab is simply not found', async () => {
    stubFetch({ ...signedInRoutes(), ...labRoutes(() => NOT_FOUND) });
    renderApp(`/t/${LAB.id}/library`);

    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.queryByText(LAB.name)).not.toBeInTheDocument();
  });
});
