import type { ApiErrorBody } from './types';

const CSRF_COOKIE = 'csrftoken';
const CSRF_ENDPOINT = '/api/v1/auth/csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every failed request — HTTP error, network failure or unreadable response — rejects with this. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: Record<string, string[]>;

  /** `status` is 0 when no HTTP response was received. */
  constructor(status: number, { code, detail, fields }: ApiErrorBody) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.fields = fields;
  }
}

function readCookie(name: string): string | null {
  for (const pair of document.cookie.split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      return decodeURIComponent(pair.slice(separator + 1).trim());
    }
  }
  return null;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, detail } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof detail === 'string';
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isErrorBody(body)) {
    return new ApiError(response.status, { code: body.code, detail: body.detail, fields: body.fields ?? {} });
  }
  // Not the API's error format, e.g. an HTML page from a proxy in front of Django.
  return new ApiError(response.status, {
    code: response.status >= 500 ? 'server_error' : 'unexpected_response',
    detail:
      response.status >= 500
        ? 'Something went wrong on our side. Please try again in a moment.'
        : `The server answered with an unexpected error (HTTP ${response.status}).`,
    fields: {},
  });
}

async function send<T>(method: Method, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) headers['X-CSRFToken'] = await csrfToken();

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error; // Cancelled on purpose; TanStack Query handles it.
    throw new ApiError(0, {
      code: 'network_error',
      detail: "Can't reach Scrollkeeper. Check your internet connection and try again.",
      fields: {},
    });
  }

  if (!response.ok) throw await errorFromResponse(response);
  const text = await response.text();
  if (text === '') return undefined as T; // 204 No Content
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, {
      code: 'unexpected_response',
      detail: 'The server sent a response Scrollkeeper could not read. Please try again.',
      fields: {},
    });
  }
}

let pendingCsrfCookie: Promise<unknown> | null = null;

/**
 * The current CSRF token, read from the cookie on every call because Django
 * rotates it at login. Without a cookie, asks the backend to set one first.
 */
async function csrfToken(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;

  pendingCsrfCookie ??= send('GET', CSRF_ENDPOINT, undefined).finally(() => {
    pendingCsrfCookie = null;
  });
  await pendingCsrfCookie;

  const token = readCookie(CSRF_COOKIE);
  if (!token) {
    throw new ApiError(0, {
      code: 'cookies_blocked',
      detail:
        'Your browser blocked the cookie Scrollkeeper needs to keep you safe. Allow cookies for this site and try again.',
      fields: {},
    });
  }
  return token;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => send<T>('GET', path, undefined, signal),
  post: <T>(path: string, body?: unknown) => send<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => send<T>('PATCH', path, body),
  delete: <T = void>(path: string) => send<T>('DELETE', path, undefined),
};
