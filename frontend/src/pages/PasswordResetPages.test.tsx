import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('password reset', () => {
  it('requests a reset link without revealing whether the account exists', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({ 'POST /api/v1/auth/password/reset': { status: 202, body: { detail: 'Sent.' } } });
    const { user } = renderApp('/forgot-password');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'If an account exists for ada@example.com, a reset link is on its way.',
    );
  });

  it('sets a new password using the uid and token from the link', async () => {
    document.cookie = 'csrftoken=t';
    let attempt = 0;
    const requests = stubFetch({
      'POST /api/v1/auth/password/reset/confirm': () =>
        ++attempt === 1
          ? {
              status: 400,
              body: apiError('invalid', 'Please correct the errors below.', {
                new_password: ['This password is too common.'],
              }),
            }
          : { body: { detail: 'Password updated.' } },
    });
    const { user } = renderApp('/reset-password/MQ/abc-123');

    await user.type(screen.getByLabelText('New password'), 'password');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText('This password is too common.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('New password'));
    await user.type(screen.getByLabelText('New password'), 'a much better passphrase');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));

    expect(
      await screen.findByRole('heading', { name: 'Your password has been changed' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(requests.at(-1)?.body).toEqual({
      uid: 'MQ',
      token: 'abc-123',
      new_password: 'a much better passphrase',
    });
  });
});
