import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  SESSION_SIGNED_OUT,
  SIGNED_OUT,
  TEAM,
  TEAM_DETAIL,
  USER,
  signedInRoutes,
  stubFetch,
} from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('RequireAuth', () => {
  it('sends signed-out visitors to /login?next=<where they were going>', async () => {
    stubFetch({ 'GET /api/v1/auth/session': SESSION_SIGNED_OUT });
    renderApp('/account?tab=tokens');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Faccount%3Ftab%3Dtokens');
  });

  it('renders the page inside the app layout for signed-in users', async () => {
    stubFetch(signedInRoutes());
    renderApp('/library');

    expect(await screen.findByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(await screen.findByText('No documents yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Scrollkeeper' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/library`,
    );
    expect(screen.getByRole('link', { name: 'Library' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByText('Ada Lovelace', { selector: '.app-user-name' })).toBeInTheDocument();
    expect(document.title).toBe('Library · Scrollkeeper');
  });

  it('redirects to login when a request finds the session has expired', async () => {
    stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/auth/tokens': SIGNED_OUT,
    });
    renderApp('/account');

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Faccount');
  });

  it('offers a retry when the session check cannot reach the server', async () => {
    let reachable = false;
    stubFetch({
      'GET /api/v1/auth/session': () => {
        if (!reachable) throw new TypeError('Failed to fetch');
        return { body: { user: USER } };
      },
      'GET /api/v1/teams': signedInRoutes()['GET /api/v1/teams'],
      [`GET /api/v1/teams/${TEAM.id}`]: { body: TEAM_DETAIL },
    });
    const { user } = renderApp('/library');

    expect(await screen.findByRole('alert')).toHaveTextContent("Can't reach Scrollkeeper");
    reachable = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Library' })).toBeInTheDocument();
  });
});
