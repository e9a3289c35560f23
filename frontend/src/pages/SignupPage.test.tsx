import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { USER, apiError, stubFetch } from '../test/fetchStub';
import { renderApp } from '../test/render';

describe('SignupPage', () => {
  it('signs up and asks the user to check their inbox', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({ 'POST /api/v1/auth/signup': { status: 201, body: USER } });
    const { user } = renderApp('/signup');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Display name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByRole('heading', { name: 'Check your inbox' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('We sent a verification link to ada@example.com');
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(requests[0].body).toEqual({
      email: 'ada@example.com',
      display_name: 'Ada Lovelace',
      password: 'correct horse battery',
      next_path: '',
    });
  });

  it('passes on where to go after verifying, when it is a page of the app', async () => {
    document.cookie = 'csrftoken=t';
    const requests = stubFetch({ 'POST /api/v1/auth/signup': { status: 201, body: USER } });
    const { user } = renderApp('/signup?next=%2Finvitations%2Fabc.def');

    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute(
      'href',
      '/login?next=%2Finvitations%2Fabc.def',
    );
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Display name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByRole('heading', { name: 'Check your inbox' })).toBeInTheDocument();
    expect(requests[0].body).toMatchObject({ next_path: '/invitations/abc.def' });
    // Once verified, logging in from here still leads on to the invitation.
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute(
      'href',
      '/login?next=%2Finvitations%2Fabc.def',
    );
  });

  it('offers to log in or reset the password when the address already has an account', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'POST /api/v1/auth/signup': {
        status: 400,
        body: apiError(
          'email_taken',
          'An account with this e-mail already exists. Log in, or reset your password.',
          {
            email: ['An account with this e-mail already exists.'],
          },
        ),
      },
    });
    const { user } = renderApp('/signup');

    const email = screen.getByLabelText('Email');
    await user.type(email, 'ada@example.com');
    await user.type(screen.getByLabelText('Display name'), 'Ada');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    const error = await screen.findByText(/An account with this e-mail already exists\./);
    expect(email).toHaveAccessibleDescription(
      'An account with this e-mail already exists. Log in, or reset your password.',
    );
    expect(within(error).getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    expect(within(error).getByRole('link', { name: 'reset your password' })).toHaveAttribute(
      'href',
      '/forgot-password',
    );
  });

  it('shows the rate-limit message from the server', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'POST /api/v1/auth/signup': {
        status: 429,
        body: apiError('rate_limited', 'Too many attempts. Try again in 5 minutes.'),
      },
    });
    const { user } = renderApp('/signup');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Display name'), 'Ada');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 5 minutes.');
    expect(screen.getByRole('button', { name: 'Sign up' })).toBeEnabled();
  });
});
