import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../api/types';
import { USER, apiError, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

const CI_TOKEN: ApiToken = {
  id: '0b8a3f0e-1111-4c1c-9a55-2a1b3c4d5e6f',
  name: 'CI',
  prefix: 'sk_abcd1234',
  created_at: '2025-02-01T10:00:00Z',
  last_used_at: null,
};

describe('AccountPage — API tokens', () => {
  it('shows a new token secret once, then only its prefix', async () => {
    document.cookie = 'csrftoken=t';
    let tokens: ApiToken[] = [];
    const requests = stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/auth/tokens': () => ({ body: { results: tokens } }),
      'POST /api/v1/auth/tokens': () => {
        tokens = [CI_TOKEN];
        return { status: 201, body: { ...CI_TOKEN, token: 'sk_abcd1234_full_secret_value' } };
      },
    });
    const { user } = renderApp('/account');
    expect(await screen.findByText('You have no API tokens yet.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Token name'), 'CI');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const secretBox = await screen.findByRole('status');
    expect(secretBox).toHaveTextContent("Copy this token now. You won't be able to see it again.");
    expect(within(secretBox).getByText('sk_abcd1234_full_secret_value')).toBeInTheDocument();
    expect(within(secretBox).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'CI' });
    expect(screen.getByLabelText('Token name')).toHaveValue('');

    const row = (await screen.findByRole('rowheader', { name: 'CI' })).closest('tr')!;
    expect(row).toHaveTextContent('sk_abcd1234…');
    expect(row).toHaveTextContent('Never');

    await user.click(within(secretBox).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText('sk_abcd1234_full_secret_value')).not.toBeInTheDocument();
    expect(screen.queryByText(/sk_abcd1234_full/)).not.toBeInTheDocument();
  });

  it('copies the secret to the clipboard', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/auth/tokens': { body: { results: [] } },
      'POST /api/v1/auth/tokens': { status: 201, body: { ...CI_TOKEN, token: 'sk_secret' } },
    });
    const { user } = renderApp('/account');

    await user.type(await screen.findByLabelText('Token name'), 'CI');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await user.click(await screen.findByRole('button', { name: 'Copy' }));

    expect(await screen.findByText('Copied to clipboard.')).toBeInTheDocument();
    await expect(navigator.clipboard.readText()).resolves.toBe('sk_secret');
  });

  it('asks for confirmation before revoking a token', async () => {
    document.cookie = 'csrftoken=t';
    let tokens = [CI_TOKEN];
    const requests = stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/auth/tokens': () => ({ body: { results: tokens } }),
      [`DELETE /api/v1/auth/tokens/${CI_TOKEN.id}`]: () => {
        tokens = [];
        return { status: 204 };
      },
    });
    const { user } = renderApp('/account');

    await user.click(await screen.findByRole('button', { name: 'Revoke CI' }));
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Revoke CI' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Revoke CI' }));
    await user.click(screen.getByRole('button', { name: 'Yes, revoke' }));

    expect(await screen.findByText('You have no API tokens yet.')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('shows the server message for a wrong current password', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'GET /api/v1/auth/session': { body: { user: USER } },
      'GET /api/v1/auth/tokens': { body: { results: [] } },
      'POST /api/v1/auth/password/change': {
        status: 400,
        body: apiError('invalid', 'Please correct the errors below.', {
          current_password: ['Your current password is incorrect.'],
        }),
      },
    });
    const { user } = renderApp('/account');

    await user.type(await screen.findByLabelText('Current password'), 'wrong');
    await user.type(screen.getByLabelText('New password'), 'a new long passphrase');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByLabelText('Current password')).toHaveAccessibleDescription(
      'Your current password is incorrect.',
    );
  });
});
