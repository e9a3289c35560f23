import { vi } from 'vitest';

export interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface StubResponse {
  status?: number;
  body?: unknown;
}

type Route = StubResponse | ((request: StubRequest) => StubResponse | Promise<StubResponse>);

/**
 * Replaces global fetch with a fake backend. Routes are keyed
 * "METHOD /path"; an unexpected request fails the test loudly.
 * Returns the list of requests made, in order.
 */
export function stubFetch(routes: Record<string, Route>): StubRequest[] {
  const requests: StubRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const request: StubRequest = {
        method: init.method ?? 'GET',
        path: input,
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      requests.push(request);
      const route = routes[`${request.method} ${request.path}`];
      if (!route) throw new Error(`Unexpected request: ${request.method} ${request.path}`);
      const { status = 200, body } = typeof route === 'function' ? await route(request) : route;
      return new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return requests;
}

/** The body of an API error response. */
export function apiError(code: string, detail: string, fields: Record<string, string[]> = {}) {
  return { code, detail, fields };
}

export const SIGNED_OUT: StubResponse = {
  status: 401,
  body: apiError('not_authenticated', 'Authentication credentials were not provided.'),
};

/** The session check's answer for a signed-out visitor (200, not 401: see accounts.api.views.SessionApi). */
export const SESSION_SIGNED_OUT: StubResponse = { body: { user: null } };

export const USER = {
  id: '7d6c2c1e-8a44-4f7e-9a53-1f1b1c0b9a01',
  email: 'ada@example.com',
  display_name: 'Ada Lovelace',
  email_verified: true,
  date_joined: '2025-01-31T09:30:00Z',
};

export const TEAM = {
  id: '3b9f6a52-0c1d-4c8e-bb1a-5d2f0e7c4a10',
  name: 'Ada Lovelace',
  slug: 'ada-lovelace',
  personal: true,
  created_at: '2025-01-31T09:30:00Z',
  role: 'owner' as const,
};

export const TEAM_DETAIL = {
  ...TEAM,
  seat_limit: null,
  seats_used: 1,
  permissions: [
    'team.view',
    'team.update',
    'team.delete',
    'team.leave',
    'team.transfer_ownership',
    'members.view',
    'members.manage',
    'members.manage_owners',
    'audit.view',
    'documents.view',
    'documents.upload',
    'documents.edit_own',
    'documents.delete_any',
    'annotations.comment',
    'annotations.highlight',
    'annotations.delete_any',
    'billing.manage',
  ],
};

/** A signed-in USER whose one team is TEAM: enough for any page under /t/:teamId to load. */
export function signedInRoutes(detail: object = TEAM_DETAIL): Record<string, Route> {
  return {
    'GET /api/v1/auth/session': { body: { user: USER } },
    'GET /api/v1/teams': { body: { results: [TEAM] } },
    [`GET /api/v1/teams/${TEAM.id}`]: { body: detail },
    // The library, where a team's pages start: empty.
    [`GET /api/v1/teams/${TEAM.id}/documents`]: { body: { next: null, previous: null, results: [] } },
    [`GET /api/v1/teams/${TEAM.id}/tags`]: { body: { results: [] } },
    [`GET /api/v1/teams/${TEAM.id}/collections`]: { body: { results: [] } },
    // The bell in the top bar: no mentions.
    [`GET /api/v1/teams/${TEAM.id}/notifications?page_size=20`]: {
      body: { next: null, previous: null, results: [], unread_count: 0 },
    },
    // No invitations waiting for the user.
    'GET /api/v1/invitations': { body: { results: [] } },
  };
}
