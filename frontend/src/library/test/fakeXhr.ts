import { vi } from 'vitest';

/**
 * A stand-in for XMLHttpRequest that tests drive by hand: every sent request
 * waits in `FakeXhr.sent` until the test calls progress(), respond(), or fail().
 */
export class FakeXhr {
  static sent: FakeXhr[] = [];

  method = '';
  url = '';
  body: unknown = null;
  status = 0;
  responseText = '';
  aborted = false;
  private headers: Record<string, string> = {};
  readonly upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  send(body: unknown) {
    this.body = body;
    FakeXhr.sent.push(this);
  }

  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  getResponseHeader(name: string): string | null {
    return this.headers[name.toLowerCase()] ?? null;
  }

  /** Storage has received `loaded` bytes of this request. */
  progress(loaded: number) {
    this.upload.onprogress?.({ loaded, total: loaded });
  }

  respond(status: number, headers: Record<string, string> = {}, text = '') {
    this.status = status;
    this.responseText = text;
    this.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.onload?.();
  }

  /** The connection failed (no HTTP response). */
  fail() {
    this.onerror?.();
  }
}

/** Installs FakeXhr as the global XMLHttpRequest for the current test. */
export function stubXhr(): typeof FakeXhr {
  FakeXhr.sent = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return FakeXhr;
}

/** The (name, value) pairs of a FormData body, files as their names. */
export function formEntries(body: unknown): [string, string][] {
  return Array.from((body as FormData).entries()).map(([name, value]) => [
    name,
    typeof value === 'string' ? value : `file:${value.name}`,
  ]);
}
