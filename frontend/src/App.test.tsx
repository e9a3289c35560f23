import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SESSION_SIGNED_OUT, TEAM, signedInRoutes, stubFetch } from './test/fetchStub';
import { renderApp } from './test/render';

describe('App routes', () => {
  it('sends / to the library when signed in', async () => {
    stubFetch(signedInRoutes());
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${TEAM.id}/library`);
  });

  it('sends / to the login page when signed out', async () => {
    stubFetch({ 'GET /api/v1/auth/session': SESSION_SIGNED_OUT });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
  });

  it('shows a not-found page with a link home for unknown paths', () => {
    stubFetch({});
    renderApp('/no/such/page');
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');
    expect(document.title).toBe('Page not found · Scrollkeeper');
  });
});
