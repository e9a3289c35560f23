import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEAM, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';
import { LAB, LAB_DETAIL, ME_MEMBER, MEMBERS_PATH } from './testData';

function routes() {
  return {
    ...signedInRoutes(),
    'GET /api/v1/teams': { body: { results: [TEAM, LAB] } },
    [`GET /api/v1/teams/${LAB.id}`]: { body: LAB_DETAIL },
    [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER] } },
    [`GET /api/v1/teams/${TEAM.id}/invitations`]: { body: { results: [] } },
    [`GET /api/v1/teams/${LAB.id}/members`]: { body: { results: [ME_MEMBER] } },
  };
}

describe('Team switcher and team navigation', () => {
  beforeEach(() => localStorage.clear());

  it('shows the current team and switches to the same page of another team', async () => {
    stubFetch(routes());
    const { user } = renderApp(`/t/${TEAM.id}/members`);

    const switcher = await screen.findByRole('button', { name: `Team: ${TEAM.name}` });
    expect(switcher).toHaveAttribute('aria-expanded', 'false');
    await user.click(switcher);
    expect(switcher).toHaveAttribute('aria-expanded', 'true');

    const list = await screen.findByRole('list', { name: 'Your teams' });
    expect(within(list).getByRole('link', { name: /Ada Lovelace/ })).toHaveAttribute('aria-current', 'true');
    expect(screen.getByRole('link', { name: 'Create a team' })).toHaveAttribute('href', '/teams/new');

    await user.click(within(list).getByRole('link', { name: /Optics Lab/ }));
    expect(await screen.findByRole('button', { name: 'Team: Optics Lab' })).toHaveAttribute(
      'aria-expanded',
      'false',
    );
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${LAB.id}/members`);
  });

  it('closes on Escape and gives focus back to its button', async () => {
    stubFetch(routes());
    const { user } = renderApp(`/t/${TEAM.id}/members`);

    const switcher = await screen.findByRole('button', { name: `Team: ${TEAM.name}` });
    await user.click(switcher);
    await screen.findByRole('list', { name: 'Your teams' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('list', { name: 'Your teams' })).not.toBeInTheDocument();
    expect(switcher).toHaveFocus();
  });

  it('shows Members, Settings and Audit log to an owner; a viewer gets no Audit log', async () => {
    stubFetch(routes());
    renderApp(`/t/${TEAM.id}/members`);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Members' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Settings' })).toHaveAttribute(
      'href',
      `/t/${TEAM.id}/settings`,
    );
    expect(within(nav).getByRole('link', { name: 'Audit log' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Account' })).toBeInTheDocument();
  });

  it('hides the audit log from a viewer', async () => {
    stubFetch(routes());
    renderApp(`/t/${LAB.id}/members`);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Settings' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument();
  });

  it('shows the team used last on a page without a team, and switches from there', async () => {
    localStorage.setItem('scrollkeeper.lastTeam', LAB.id);
    stubFetch({ ...routes(), 'GET /api/v1/auth/tokens': { body: { results: [] } } });
    const { user } = renderApp('/account');
    await user.click(await screen.findByRole('button', { name: 'Team: Optics Lab' }));
    const list = await screen.findByRole('list', { name: 'Your teams' });
    expect(within(list).getByRole('link', { name: /Optics Lab/ })).toHaveAttribute('aria-current', 'true');
    await user.click(within(list).getByRole('link', { name: /Ada Lovelace/ }));
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${TEAM.id}/library`);
  });

  it('shows the personal team on a page without a team when none was used yet', async () => {
    stubFetch({ ...routes(), 'GET /api/v1/auth/tokens': { body: { results: [] } } });
    renderApp('/account');
    expect(await screen.findByRole('button', { name: `Team: ${TEAM.name}` })).toBeInTheDocument();
  });
});
