import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { SESSION_SIGNED_OUT, TEAM, USER, apiError, signedInRoutes, stubFetch } from '../../test/fetchStub';
import { renderApp } from '../../test/render';
import { pendingInvitation } from '../../teams/pendingInvitation';
import { LAB, LAB_DETAIL } from '../../teams/testData';

const TOKEN = 'ImMzYzNjM2MzIg:1tXyZa:s1gnature';
const PAGE = `/invitations/${TOKEN}`;
const PREVIEW = `GET /api/v1/invitations/${encodeURIComponent(TOKEN)}`;
const ACCEPT = 'POST /api/v1/invitations/accept';

const INVITATION = {
  team_name: 'Optics Lab',
  inviter_name: 'Grace Hopper',
  email: USER.email,
  role: 'viewer' as const,
  status: 'pending' as const,
  expires_at: '2099-02-09T10:00:00Z',
};

describe('AcceptInvitationPage', () => {
  beforeEach(() => {
    localStorage.clear();
    document.cookie = 'csrftoken=t';
  });

  it('previews the invitation signed out, with log-in and sign-up links that come back here', async () => {
    stubFetch({ 'GET /api/v1/auth/session': SESSION_SIGNED_OUT, [PREVIEW]: { body: INVITATION } });
    renderApp(PAGE);

    expect(await screen.findByRole('heading', { name: 'Join Optics Lab' })).toBeInTheDocument();
    expect(screen.getByText('Grace Hopper', { selector: 'dd' })).toBeInTheDocument();
    expect(screen.getByText(/^Viewer/, { selector: 'dd' })).toBeInTheDocument();
    expect(screen.getByText(USER.email, { selector: 'dd' })).toBeInTheDocument();

    const next = encodeURIComponent(PAGE);
    expect(screen.getByRole('link', { name: 'Log in to accept' })).toHaveAttribute(
      'href',
      `/login?next=${next}`,
    );
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      `/signup?next=${next}`,
    );
    // Remembered for after sign-up, e-mail verification and login.
    expect(pendingInvitation()).toEqual({ token: TOKEN, teamName: 'Optics Lab', email: USER.email });
  });

  it('logs in from the invitation and joins the team', async () => {
    let signedIn = false;
    const requests = stubFetch({
      'GET /api/v1/auth/session': () => ({ body: { user: signedIn ? USER : null } }),
      'POST /api/v1/auth/login': () => {
        signedIn = true;
        return { body: USER };
      },
      [PREVIEW]: { body: INVITATION },
      [ACCEPT]: { body: LAB_DETAIL },
      'GET /api/v1/teams': { body: { results: [TEAM, LAB] } },
    });
    const { user } = renderApp(PAGE);

    await user.click(await screen.findByRole('link', { name: 'Log in to accept' }));
    await user.type(await screen.findByLabelText('Email'), USER.email);
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    await user.click(await screen.findByRole('button', { name: 'Join Optics Lab' }));
    expect(await screen.findByRole('button', { name: 'Team: Optics Lab' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${LAB.id}/library`);
    expect(requests.find((r) => r.path === '/api/v1/invitations/accept')?.body).toEqual({ token: TOKEN });
    expect(pendingInvitation()).toBeNull();
  });

  it("shows the server's message to a user signed in with another address, and offers to log out", async () => {
    const detail =
      'This invitation was sent to ada@example.com, and you are signed in as bob@example.com. ' +
      'Sign in with the invited address, or ask for an invitation to yours.';
    stubFetch({
      'GET /api/v1/auth/session': { body: { user: { ...USER, email: 'bob@example.com' } } },
      [PREVIEW]: { body: INVITATION },
      [ACCEPT]: { status: 403, body: apiError('invitation_email_mismatch', detail) },
      'POST /api/v1/auth/logout': { status: 204 },
    });
    const { user, queryClient } = renderApp(PAGE);
    // What the app holds of Bob's, from his other pages: the next user to sign in here must not see it.
    queryClient.setQueryData(['invitations', 'mine'], { results: [{ token: 'bobs-invitation' }] });
    queryClient.setQueryData(['documents', TEAM.id, 'list'], { pages: [] });

    expect(await screen.findByText(/You are signed in as/)).toHaveTextContent(
      'You are signed in as bob@example.com, but this invitation was sent to ada@example.com.',
    );
    await user.click(screen.getByRole('button', { name: 'Join Optics Lab' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(detail);

    await user.click(screen.getByRole('button', { name: `Log out to use ${USER.email}` }));
    expect(await screen.findByRole('link', { name: 'Log in to accept' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(PAGE);
    expect(queryClient.getQueryData(['invitations', 'mine'])).toBeUndefined();
    expect(queryClient.getQueryData(['documents', TEAM.id, 'list'])).toBeUndefined();
  });

  it("shows the server's refusal when joining fails, e.g. a full team", async () => {
    stubFetch({
      ...signedInRoutes(),
      [PREVIEW]: { body: INVITATION },
      [ACCEPT]: {
        status: 409,
        body: apiError('seat_limit_reached', 'This team has no free seat left. Ask its owner to add seats.'),
      },
    });
    const { user } = renderApp(PAGE);
    await user.click(await screen.findByRole('button', { name: 'Join Optics Lab' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This team has no free seat left.');
    expect(screen.getByTestId('location')).toHaveTextContent(PAGE);
  });

  it.each([
    ['expired', 'This invitation has expired. Ask the person who invited you to send it again.'],
    ['revoked', 'This invitation has been withdrawn.'],
    ['accepted', 'This invitation has already been used.'],
  ] as const)('says why a %s invitation cannot be used', async (status, message) => {
    localStorage.setItem(
      'scrollkeeper.pendingInvitation',
      JSON.stringify({ token: TOKEN, teamName: 'Optics Lab', email: USER.email }),
    );
    stubFetch({
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      [PREVIEW]: { body: { ...INVITATION, status } },
    });
    renderApp(PAGE);

    expect(await screen.findByRole('heading', { name: "This invitation can't be used" })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(message);
    expect(screen.queryByRole('link', { name: 'Log in to accept' })).not.toBeInTheDocument();
    expect(pendingInvitation()).toBeNull();
  });

  it("shows the server's detail for a broken link", async () => {
    stubFetch({
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      [PREVIEW]: { status: 400, body: apiError('invalid_token', 'This invitation link is not valid.') },
    });
    renderApp(PAGE);
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation link is not valid.');
  });

  it('reminds a user who signed up from the link of the invitation once signed in', async () => {
    localStorage.setItem(
      'scrollkeeper.pendingInvitation',
      JSON.stringify({ token: TOKEN, teamName: 'Optics Lab', email: USER.email }),
    );
    stubFetch({ ...signedInRoutes(), [PREVIEW]: { body: INVITATION } });
    const { user } = renderApp(`/t/${TEAM.id}/library`);

    const banner = await screen.findByRole('region', { name: 'Invitations' });
    expect(banner).toHaveTextContent('You were invited to join Optics Lab.');
    await user.click(screen.getByRole('link', { name: 'View the invitation' }));
    expect(await screen.findByRole('button', { name: 'Join Optics Lab' })).toBeInTheDocument();
  });

  it('offers a signed-in user the invitations the server has for their address, and joins from one', async () => {
    let invited = true;
    const requests = stubFetch({
      ...signedInRoutes(),
      'GET /api/v1/invitations': () => ({
        body: {
          results: invited
            ? [
                {
                  id: 'i1',
                  team_name: 'Optics Lab',
                  inviter_name: 'Grace Hopper',
                  role: 'viewer',
                  expires_at: '2099-02-09T10:00:00Z',
                  token: TOKEN,
                },
              ]
            : [],
        },
      }),
      [PREVIEW]: { body: INVITATION },
      [ACCEPT]: () => {
        invited = false;
        return { body: LAB_DETAIL };
      },
      [`GET /api/v1/teams/${LAB.id}`]: { body: LAB_DETAIL },
    });
    const { user } = renderApp(`/t/${TEAM.id}/library`);

    const banner = await screen.findByRole('region', { name: 'Invitations' });
    expect(banner).toHaveTextContent('Grace Hopper invited you to join Optics Lab as a viewer.');
    await user.click(screen.getByRole('link', { name: 'View the invitation' }));
    await user.click(await screen.findByRole('button', { name: 'Join Optics Lab' }));

    expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/invitations/accept')).toBe(true);
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: 'Invitations' })).not.toBeInTheDocument(),
    );
  });

  it('forgets the reminder when dismissed', async () => {
    localStorage.setItem(
      'scrollkeeper.pendingInvitation',
      JSON.stringify({ token: TOKEN, teamName: 'Optics Lab', email: USER.email }),
    );
    stubFetch(signedInRoutes());
    const { user } = renderApp(`/t/${TEAM.id}/library`);
    await screen.findByRole('region', { name: 'Invitations' });
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Invitations' })).not.toBeInTheDocument();
    expect(pendingInvitation()).toBeNull();
  });

  it('does not remind another user', async () => {
    localStorage.setItem(
      'scrollkeeper.pendingInvitation',
      JSON.stringify({ token: TOKEN, teamName: 'Optics Lab', email: 'someone.else@example.com' }),
    );
    stubFetch(signedInRoutes());
    renderApp(`/t/${TEAM.id}/library`);
    await screen.findByRole('button', { name: `Team: ${TEAM.name}` });
    expect(screen.queryByRole('region', { name: 'Invitations' })).not.toBeInTheDocument();
  });
});
