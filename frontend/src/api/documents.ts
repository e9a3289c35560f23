import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';
import { teamPath } from './teams';
import type { DocumentDetail, DocumentPage, DocumentState, Download, PageTextList } from './types';

/** Filters and order of the library list; every one is optional. */
export interface DocumentFilters {
  state?: DocumentState;
  tag?: string;
  collection?: string;
  uploader?: string;
  ordering?: '-created_at' | 'created_at' | 'title' | '-title';
}

export const documentKeys = {
  all: (teamId: string) => ['teams', teamId, 'documents'] as const,
  list: (teamId: string, filters: DocumentFilters) =>
    ['teams', teamId, 'documents', 'list', filters] as const,
  detail: (teamId: string, documentId: string) => ['teams', teamId, 'documents', documentId] as const,
  pages: (teamId: string, documentId: string, start: number, stop: number) =>
    ['teams', teamId, 'documents', documentId, 'pages', start, stop] as const,
};

const documentPath = (teamId: string, documentId: string, suffix = '') =>
  teamPath(teamId, `/documents/${encodeURIComponent(documentId)}${suffix}`);

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

// ---- Plain functions -------------------------------------------------------

export const listDocuments = (
  teamId: string,
  filters: DocumentFilters,
  cursor?: string,
  signal?: AbortSignal,
) => api.get<DocumentPage>(teamPath(teamId, `/documents${query({ ...filters, cursor })}`), signal);

export const getDocument = (teamId: string, documentId: string, signal?: AbortSignal) =>
  api.get<DocumentDetail>(documentPath(teamId, documentId), signal);

/** Page texts `start` (0-based, inclusive) to `stop` (exclusive), at most 50 per request. */
export const getPageTexts = (
  teamId: string,
  documentId: string,
  start: number,
  stop: number,
  signal?: AbortSignal,
) => api.get<PageTextList>(documentPath(teamId, documentId, `/pages${query({ start, stop })}`), signal);

/** A short-lived URL of the file: `inline` to read it in the browser, else a download. */
export const getDownloadUrl = (teamId: string, documentId: string, inline = false) =>
  api.get<Download>(documentPath(teamId, documentId, `/download${inline ? '?inline=1' : ''}`));

// ---- Hooks -----------------------------------------------------------------

export function useDocument(teamId: string, documentId: string) {
  return useQuery({
    queryKey: documentKeys.detail(teamId, documentId),
    queryFn: ({ signal }) => getDocument(teamId, documentId, signal),
  });
}

export function usePageTexts(
  teamId: string,
  documentId: string,
  start: number,
  stop: number,
  enabled = true,
) {
  return useQuery({
    queryKey: documentKeys.pages(teamId, documentId, start, stop),
    queryFn: ({ signal }) => getPageTexts(teamId, documentId, start, stop, signal),
    placeholderData: keepPreviousData,
    staleTime: Infinity, // a parsed page's text only changes when the document is parsed again
    enabled,
  });
}
