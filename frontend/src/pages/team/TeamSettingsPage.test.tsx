import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEAM, TEAM_DETAIL, apiError, signedInRoutes, stubFetch } from '../../test/fetchStub';
import { renderApp } from '../../test/render';
import {
  BOB,
  LAB,
  LAB_DETAIL,
  ME_MEMBER,
  MEMBERS_PATH,
  TEAM_AS_ADMIN,
  TEAM_AS_VIEWER,
} from '../../teams/testData';

const PAGE = `/t/${TEAM.id}/settings`;
const TEAM_PATH = `/api/v1/teams/${TEAM.id}`;

function routes(detail: object = TEAM_DETAIL) {
  return {
    ...signedInRoutes(detail),
    'GET /api/v1/teams': { body: { results: [TEAM, LAB] } },
    [`GET /api/v1/teams/${LAB.id}`]: { body: LAB_DETAIL },
    [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER, BOB] } },
  };
}

/**
 * Leaving or deleting goes through /library, whose header already names Optics Lab (the team that
 * will be picked) before it moves on to that team's library: the page is waited for first.
 */
async function expectLibraryOfLab() {
  await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/t/${LAB.id}/library`));
  expect(await screen.findByRole('button', { name: 'Team: Optics Lab' })).toBeInTheDocument();
}

describe('TeamSettingsPage', () => {
  beforeEach(() => {
    localStorage.clear();
    document.cookie = 'csrftoken=t';
  });

  it('renames the team, and the header shows the new name', async () => {
    const requests = stubFetch({
      ...routes(),
      [`PATCH ${TEAM_PATH}`]: { body: { ...TEAM_DETAIL, name: 'Difference Engine' } },
    });
    const { user } = renderApp(PAGE);

    const name = await screen.findByLabelText('Name');
    expect(name).toHaveValue(TEAM.name);
    await user.clear(name);
    await user.type(name, 'Difference Engine');
    await user.click(screen.getByRole('button', { name: 'Save name' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'The team is now called “Difference Engine”.',
    );
    expect(screen.getByRole('button', { name: 'Team: Difference Engine' })).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ name: 'Difference Engine' });
  });

  it('shows the field error of a refused name', async () => {
    stubFetch({
      ...routes(),
      [`PATCH ${TEAM_PATH}`]: {
        status: 400,
        body: apiError('invalid', 'Check the highlighted fields.', {
          name: ['This field may not be blank.'],
        }),
      },
    });
    const { user } = renderApp(PAGE);
    const name = await screen.findByLabelText('Name');
    await user.clear(name);
    await user.type(name, ' ');
    await user.click(screen.getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('This field may not be blank.')).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');
  });

  it('transfers ownership to a chosen member after confirmation', async () => {
    const requests = stubFetch({
      ...routes(),
      [`POST ${TEAM_PATH}/transfer-ownership`]: { body: TEAM_AS_ADMIN },
    });
    const { user } = renderApp(PAGE);

    const select = await screen.findByRole('combobox', { name: 'New owner' });
    expect(within(select).queryByRole('option', { name: /Ada Lovelace/ })).not.toBeInTheDocument();
    await user.selectOptions(select, BOB.id);
    await user.click(screen.getByRole('button', { name: 'Transfer ownership' }));
    await user.click(screen.getByRole('button', { name: 'Yes, transfer' }));

    expect(
      await screen.findByText(/Bob Babbage is now an owner of Ada Lovelace\. You are an admin\./),
    ).toBeInTheDocument();
    expect(requests.find((r) => r.path.endsWith('/transfer-ownership'))?.body).toEqual({
      membership_id: BOB.id,
    });
    // As an admin now: no transfer, no delete.
    expect(screen.queryByRole('heading', { name: 'Transfer ownership' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Delete the team' })).not.toBeInTheDocument();
  });

  it("shows the server's refusal when the last owner tries to leave", async () => {
    const detail = 'You are the last owner of Ada Lovelace. Make another member an owner before leaving.';
    stubFetch({
      ...routes(),
      [`POST ${TEAM_PATH}/leave`]: { status: 409, body: apiError('last_owner', detail) },
    });
    const { user } = renderApp(PAGE);

    await user.click(await screen.findByRole('button', { name: 'Leave team' }));
    await user.click(screen.getByRole('button', { name: 'Yes, leave' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(detail);
  });

  it('leaves the team and goes to another one', async () => {
    let left = false;
    stubFetch({
      ...routes(TEAM_AS_VIEWER),
      'GET /api/v1/teams': () => ({ body: { results: left ? [LAB] : [TEAM, LAB] } }),
      [`POST ${TEAM_PATH}/leave`]: () => {
        left = true;
        return { status: 204 };
      },
    });
    const { user } = renderApp(PAGE);

    // A viewer may only leave.
    expect(await screen.findByRole('heading', { name: 'Leave the team' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Name')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Leave team' }));
    await user.click(screen.getByRole('button', { name: 'Yes, leave' }));

    await expectLibraryOfLab();
  });

  it('deletes the team only once its name is typed', async () => {
    let deleted = false;
    const requests = stubFetch({
      ...routes(),
      'GET /api/v1/teams': () => ({ body: { results: deleted ? [LAB] : [TEAM, LAB] } }),
      [`DELETE ${TEAM_PATH}`]: () => {
        deleted = true;
        return { status: 204 };
      },
    });
    const { user } = renderApp(PAGE);

    const remove = await screen.findByRole('button', { name: 'Delete this team' });
    expect(remove).toBeDisabled();
    const confirm = screen.getByLabelText(`Type the team's name, “${TEAM.name}”, to confirm`);
    await user.type(confirm, 'Ada');
    expect(remove).toBeDisabled();
    await user.type(confirm, ' Lovelace');
    expect(remove).toBeEnabled();
    await user.click(remove);

    await expectLibraryOfLab();
    expect(requests.filter((r) => r.method === 'DELETE' && r.path === TEAM_PATH)).toHaveLength(1);
  });

  it('offers an admin rename and leave, but neither transfer nor delete', async () => {
    stubFetch(routes(TEAM_AS_ADMIN));
    renderApp(PAGE);
    expect(await screen.findByLabelText('Name')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Leave the team' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Transfer ownership' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Delete the team' })).not.toBeInTheDocument();
  });
});
