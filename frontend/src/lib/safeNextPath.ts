/**
 * The `next` query parameter as an in-app path, or `fallback` when it is
 * missing or could send the user to another site ("//evil.example",
 * "https://…", "/\\evil.example").
 */
export function safeNextPath(next: string | null, fallback = '/library'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return fallback;
  }
  const url = new URL(next, window.location.origin);
  if (url.origin !== window.location.origin) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
