import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authKeys } from '../api/auth';
import { ME_MEMBER, MEMBERS_PATH } from '../teams/testData';
import { TEAM, USER, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('AppLayout', () => {
  it('logs out: posts logout, forgets the cached user and goes to plain /login', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'POST /api/v1/auth/logout': { status: 204 },
    });
    const { user, queryClient } = renderApp('/library');

    await user.click(await screen.findByRole('button', { name: 'Log out' }));

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
    expect(queryClient.getQueryData(authKeys.me)).toBeNull();
    expect(requests.filter((r) => r.path === '/api/v1/auth/logout')).toHaveLength(1);
  });

  it('folds the links and the account into a Menu that closes on the way to another page', async () => {
    stubFetch({
      ...signedInRoutes(),
      [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER] } },
      [`GET /api/v1/teams/${TEAM.id}/invitations`]: { body: { results: [] } },
    });
    const { user } = renderApp(`/t/${TEAM.id}/library`);
    // Narrow screens show the button and, once open, the menu (styles.css); it controls both.
    const toggle = () => screen.getByRole('button', { name: 'Menu' });
    const menu = () => document.getElementById(toggle().getAttribute('aria-controls')!)!;
    await screen.findByRole('button', { name: 'Menu' });
    expect(within(menu()).getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(within(menu()).getByRole('button', { name: 'Log out' })).toBeInTheDocument();
    // The bell stays out of it, on the header's first line.
    expect(within(menu()).queryByRole('button', { name: 'Notifications' })).toBeNull();
    expect(toggle()).toHaveAttribute('aria-expanded', 'false');

    await user.click(toggle());
    expect(toggle()).toHaveAttribute('aria-expanded', 'true');
    expect(menu()).toHaveClass('is-open');
    await user.click(within(menu()).getByRole('link', { name: 'Members' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/\/members$/);
    expect(toggle()).toHaveAttribute('aria-expanded', 'false');
    expect(menu()).not.toHaveClass('is-open');

    await user.click(toggle());
    await user.keyboard('{Escape}');
    expect(toggle()).toHaveAttribute('aria-expanded', 'false');
    expect(toggle()).toHaveFocus();

    await user.click(toggle());
    await user.click(screen.getByRole('main'));
    expect(toggle()).toHaveAttribute('aria-expanded', 'false');
  });
});
