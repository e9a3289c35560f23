import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { TEAM, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

const EMPTY_PAGE = { next: null, previous: null, results: [] };

beforeEach(() => {
  localStorage.clear();
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});

describe('the live socket', () => {
  it('is one for the whole signed-in visit: moving from a team to the account page keeps it', async () => {
    stubFetch({ ...signedInRoutes(), 'GET /api/v1/auth/tokens': { body: EMPTY_PAGE } });
    const { user } = renderApp(`/t/${TEAM.id}/library`);
    await screen.findByRole('heading', { name: 'No documents yet' });
    expect(FakeSocket.instances).toHaveLength(1);

    await user.click(screen.getByRole('link', { name: 'Account' }));
    await screen.findByRole('heading', { name: 'Account', level: 1 });

    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.last.closedWith).toBeNull();
  });
});
