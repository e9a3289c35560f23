import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { USER, apiError, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('VerifyEmailPage', () => {
  it('posts the token once and confirms', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({ 'POST /api/v1/auth/verify-email': { body: USER } });
    renderApp('/verify-email?token=abc.def');

    expect(await screen.findByRole('heading', { name: 'Email verified' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(requests).toEqual([expect.objectContaining({ body: { token: 'abc.def' } })]);
  });

  it('leads on to log in and then to the page the user signed up from', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({ 'POST /api/v1/auth/verify-email': { body: USER } });
    renderApp('/verify-email?token=abc.def&next=%2Finvitations%2Fxyz');

    expect(await screen.findByRole('link', { name: 'Log in' })).toHaveAttribute(
      'href',
      '/login?next=%2Finvitations%2Fxyz',
    );
  });

  it("shows the server's reason and lets the user ask for a new link", async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({
      'POST /api/v1/auth/verify-email': {
        status: 400,
        body: apiError('expired_token', 'This link has expired.'),
      },
      'POST /api/v1/auth/verify-email/resend': { status: 202, body: { detail: 'A new link is on its way.' } },
    });
    const { user } = renderApp('/verify-email?token=old');

    expect(await screen.findByRole('alert')).toHaveTextContent('This link has expired.');
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Resend verification e-mail' }));

    expect(await screen.findByRole('status')).toHaveTextContent('A new link is on its way.');
    expect(requests.at(-1)?.body).toEqual({ email: 'ada@example.com' });
  });
});
