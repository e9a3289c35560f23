import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEAM, USER, apiError, stubFetch } from '../../test/fetchStub';
import { renderApp } from '../../test/render';
import { LAB, LAB_DETAIL } from '../../teams/testData';

const OWNED_LAB = {
  ...LAB_DETAIL,
  role: 'owner',
  permissions: [...LAB_DETAIL.permissions, 'members.manage'],
};

describe('CreateTeamPage', () => {
  beforeEach(() => {
    localStorage.clear();
    document.cookie = 'csrftoken=t';
  });

  it('is where a user without a team lands, and creates one', async () => {
    let created = false;
    const requests = stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/teams': () => ({ body: { results: created ? [{ ...LAB, role: 'owner' }] : [] } }),
      'POST /api/v1/teams': () => {
        created = true;
        return { status: 201, body: OWNED_LAB };
      },
      [`GET /api/v1/teams/${LAB.id}/members`]: { body: { results: [] } },
      [`GET /api/v1/teams/${LAB.id}/invitations`]: { body: { results: [] } },
    });
    const { user } = renderApp('/');

    expect(await screen.findByRole('heading', { name: 'Create a team' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/teams/new');
    await user.type(screen.getByLabelText('Team name'), 'Optics Lab');
    await user.click(screen.getByRole('button', { name: 'Create team' }));

    expect(await screen.findByRole('heading', { name: 'Members' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${LAB.id}/members`);
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'Optics Lab' });
  });

  it('shows the field error of a refused name', async () => {
    stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/teams': { body: { results: [TEAM] } },
      'POST /api/v1/teams': {
        status: 400,
        body: apiError('invalid', 'Check the highlighted fields.', {
          name: ['Ensure this field has no more than 100 characters.'],
        }),
      },
    });
    const { user } = renderApp('/teams/new');
    const name = await screen.findByLabelText('Team name');
    await user.type(name, 'x');
    await user.click(screen.getByRole('button', { name: 'Create team' }));
    expect(await screen.findByText('Ensure this field has no more than 100 characters.')).toBeInTheDocument();
    expect(name).toHaveFocus();
  });
});
