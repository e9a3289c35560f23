import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authKeys } from '../api/auth';
import { USER, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('AppLayout', () => {
  it('logs out: posts logout, forgets the cached user and goes to plain /login', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({
      'GET /api/v1/auth/me': { body: USER },
      'POST /api/v1/auth/logout': { status: 204 },
    });
    const { user, queryClient } = renderApp('/library');

    await user.click(await screen.findByRole('button', { name: 'Log out' }));

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
    expect(queryClient.getQueryData(authKeys.me)).toBeNull();
    expect(requests.filter((r) => r.path === '/api/v1/auth/logout')).toHaveLength(1);
  });
});
