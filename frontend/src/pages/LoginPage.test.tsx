import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SESSION_SIGNED_OUT, TEAM, USER, apiError, signedInRoutes, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('LoginPage', () => {
  it('shows the server field errors under their inputs, wired for assistive tech', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      'POST /api/v1/auth/login': {
        status: 400,
        body: apiError('invalid', 'Please correct the errors below.', {
          email: ['Enter a valid email address.'],
        }),
      },
    });
    const { user } = renderApp('/login');
    expect(document.title).toBe('Log in · Scrollkeeper');

    await user.type(screen.getByLabelText('Email'), 'ada@example');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    const email = screen.getByLabelText('Email');
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    // Every message sits under its field, so no summary repeats it.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(email).toHaveAccessibleDescription('Enter a valid email address.');
    expect(email).toHaveFocus();
    expect(screen.getByLabelText('Password')).not.toHaveAttribute('aria-invalid');
  });

  it('offers to resend the verification e-mail when the address is not verified', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      'POST /api/v1/auth/login': {
        status: 403,
        body: apiError('email_not_verified', 'Please verify your email address before logging in.'),
      },
      'POST /api/v1/auth/verify-email/resend': {
        status: 202,
        body: { detail: 'If that address needs verifying, a new link is on its way.' },
      },
    });
    const { user } = renderApp('/login');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Please verify your email address before logging in.',
    );
    await user.click(screen.getByRole('button', { name: 'Resend verification e-mail' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'If that address needs verifying, a new link is on its way.',
    );
    expect(requests.at(-1)).toMatchObject({
      path: '/api/v1/auth/verify-email/resend',
      body: { email: 'ada@example.com' },
    });
  });

  it('disables the button while logging in, then goes to a same-site next path', async () => {
    document.cookie = 'csrftoken=t';
    let finishLogin = () => {};
    const loginAnswered = new Promise<void>((resolve) => (finishLogin = resolve));
    stubFetch({
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      'POST /api/v1/auth/login': () => loginAnswered.then(() => ({ body: USER })),
    });
    const { user } = renderApp('/login?next=%2Faccount%3Ftab%3Dtokens');

    await user.type(screen.getByLabelText('Email'), USER.email);
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('button', { name: 'Logging in…' })).toBeDisabled();
    finishLogin();
    expect(await screen.findByRole('heading', { name: 'Account' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/account?tab=tokens');
  });

  it('ignores a next parameter that points at another site', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      ...signedInRoutes(),
      'GET /api/v1/auth/session': SESSION_SIGNED_OUT,
      'POST /api/v1/auth/login': { body: USER },
    });
    const { user } = renderApp('/login?next=%2F%2Fevil.example%2Fphish');

    await user.type(screen.getByLabelText('Email'), USER.email);
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(`/t/${TEAM.id}/library`);
  });
});
