import { describe, expect, it, vi } from 'vitest';
import { apiError, stubFetch } from '../test/fetchStub';
import { ApiError, api } from './client';

describe('api client', () => {
  it('sends the csrftoken cookie as X-CSRFToken on unsafe requests, read fresh each time', async () => {
    document.cookie = 'csrftoken=first';
    const requests = stubFetch({ 'POST /api/v1/things': { status: 201, body: { ok: true } } });

    await expect(api.post('/api/v1/things', { name: 'x' })).resolves.toEqual({ ok: true });
    document.cookie = 'csrftoken=rotated'; // Django rotates the token at login.
    await api.post('/api/v1/things');

    expect(requests.map((r) => r.headers['X-CSRFToken'])).toEqual(['first', 'rotated']);
    expect(requests[0]).toMatchObject({
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: { name: 'x' },
    });
    expect(vi.mocked(fetch).mock.calls[0][1]).toMatchObject({ credentials: 'same-origin', method: 'POST' });
  });

  it('fetches the CSRF cookie once before the first unsafe request when there is none', async () => {
    const requests = stubFetch({
      'GET /api/v1/auth/csrf': () => {
        document.cookie = 'csrftoken=fresh';
        return { status: 204 };
      },
      'DELETE /api/v1/things/1': { status: 204 },
    });

    await Promise.all([api.delete('/api/v1/things/1'), api.delete('/api/v1/things/1')]);

    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/auth/csrf',
      'DELETE /api/v1/things/1',
      'DELETE /api/v1/things/1',
    ]);
    expect(requests[1].headers['X-CSRFToken']).toBe('fresh');
  });

  it('sends no CSRF header on GET and returns undefined for 204', async () => {
    const requests = stubFetch({ 'GET /api/v1/empty': { status: 204 } });

    await expect(api.get('/api/v1/empty')).resolves.toBeUndefined();
    expect(requests[0].headers).toEqual({ Accept: 'application/json' });
  });

  it('throws ApiError carrying status, code, detail and fields from the error body', async () => {
    document.cookie = 'csrftoken=t';
    stubFetch({
      'POST /api/v1/auth/signup': {
        status: 400,
        body: apiError('invalid', 'Please fix the highlighted fields.', {
          email: ['Enter a valid email address.'],
        }),
      },
    });

    const error = await api.post('/api/v1/auth/signup', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid',
      detail: 'Please fix the highlighted fields.',
      fields: { email: ['Enter a valid email address.'] },
    });
  });

  it('turns a non-JSON server error into a readable ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<h1>Bad Gateway</h1>', { status: 502 })),
    );

    await expect(api.get('/api/v1/auth/me')).rejects.toMatchObject({
      status: 502,
      code: 'server_error',
      fields: {},
    });
  });

  it('turns a network failure into ApiError code network_error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );

    const error = await api.get('/api/v1/auth/me').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
    expect((error as ApiError).detail).toMatch(/can't reach scrollkeeper/i);
  });
});
