import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from './client';
import { teamPath } from './teams';
import type {
  Collection,
  CollectionList,
  CollectionRequest,
  CompletedPart,
  DocumentDetail,
  DocumentPage,
  DocumentState,
  DocumentSummary,
  DocumentUpdateRequest,
  Download,
  PageTextList,
  TagList,
  UploadStartRequest,
  UploadTicket,
  VersionList,
} from './types';

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
  /** Every cached page text of the document (each `pages` key starts with this). */
  allPages: (teamId: string, documentId: string) =>
    ['teams', teamId, 'documents', documentId, 'pages'] as const,
  /** Under the detail's key, so refreshing the detail (a parse ended) refreshes the versions too. */
  versions: (teamId: string, documentId: string) =>
    ['teams', teamId, 'documents', documentId, 'versions'] as const,
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

/** Every file the document has had, newest first. */
export const listVersions = (teamId: string, documentId: string, signal?: AbortSignal) =>
  api.get<VersionList>(documentPath(teamId, documentId, '/versions'), signal);

/** A short-lived URL of one version's file, as a download. */
export const getVersionDownloadUrl = (teamId: string, documentId: string, number: number) =>
  api.get<Download>(documentPath(teamId, documentId, `/versions/${number}/download`));

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

export function useVersions(teamId: string, documentId: string) {
  return useQuery({
    queryKey: documentKeys.versions(teamId, documentId),
    queryFn: ({ signal }) => listVersions(teamId, documentId, signal),
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

// ---- The library: the list, tags, collections, uploads, retries -------------

export const libraryKeys = {
  tags: (teamId: string) => ['teams', teamId, 'tags'] as const,
  collections: (teamId: string) => ['teams', teamId, 'collections'] as const,
  /** Every list of the team's documents, whatever its filters. */
  lists: (teamId: string) => ['teams', teamId, 'documents', 'list'] as const,
};

export const listTags = (teamId: string, signal?: AbortSignal) =>
  api.get<TagList>(teamPath(teamId, '/tags'), signal);

export const listCollections = (teamId: string, signal?: AbortSignal) =>
  api.get<CollectionList>(teamPath(teamId, '/collections'), signal);

/** Checks the plan's limits and returns where the browser sends the file. */
export const startUpload = (teamId: string, body: UploadStartRequest) =>
  api.post<UploadTicket>(teamPath(teamId, '/documents/uploads'), body);

/** The file is stored: the server verifies it and queues its parse. `parts` only for multipart uploads. */
export const completeUpload = (teamId: string, uploadId: string, parts?: CompletedPart[]) =>
  api.post<DocumentSummary>(
    teamPath(teamId, `/documents/uploads/${encodeURIComponent(uploadId)}/complete`),
    parts ? { parts } : {},
  );

export const abortUpload = (teamId: string, uploadId: string) =>
  api.delete(teamPath(teamId, `/documents/uploads/${encodeURIComponent(uploadId)}`));

/** Parse a failed document again. */
export const retryDocument = (teamId: string, documentId: string) =>
  api.post<DocumentSummary>(documentPath(teamId, documentId, '/retry'));

/** The `cursor` of a `next` link, which is a full URL of the list. */
export function cursorOf(next: string | null): string | undefined {
  if (!next) return undefined;
  return new URL(next, 'http://localhost').searchParams.get('cursor') ?? undefined;
}

/** The library list, 50 at a time; `fetchNextPage()` follows the `next` cursor. */
export function useDocumentList(teamId: string, filters: DocumentFilters) {
  return useInfiniteQuery({
    queryKey: documentKeys.list(teamId, filters),
    queryFn: ({ pageParam, signal }) => listDocuments(teamId, filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
    placeholderData: keepPreviousData,
  });
}

export function useTags(teamId: string) {
  return useQuery({ queryKey: libraryKeys.tags(teamId), queryFn: ({ signal }) => listTags(teamId, signal) });
}

export function useCollections(teamId: string) {
  return useQuery({
    queryKey: libraryKeys.collections(teamId),
    queryFn: ({ signal }) => listCollections(teamId, signal),
  });
}

type DocumentPatch = Partial<Pick<DocumentSummary, 'state' | 'pages_done' | 'pages_total' | 'error'>>;

/**
 * Applies `patch` to the document wherever it is cached (every library list and its detail).
 * Returns whether any list held it, so callers can refetch the lists when it is new to them.
 */
export function patchCachedDocument(
  queryClient: QueryClient,
  teamId: string,
  documentId: string,
  patch: DocumentPatch,
): boolean {
  let listed = false;
  queryClient.setQueriesData<InfiniteData<DocumentPage>>({ queryKey: libraryKeys.lists(teamId) }, (data) => {
    if (!data?.pages) return data;
    let changed = false;
    const pages = data.pages.map((page) => {
      if (!page.results.some((document) => document.id === documentId)) return page;
      changed = true;
      return {
        ...page,
        results: page.results.map((document) =>
          document.id === documentId ? { ...document, ...patch } : document,
        ),
      };
    });
    if (!changed) return data;
    listed = true;
    return { ...data, pages };
  });
  queryClient.setQueryData<DocumentDetail>(documentKeys.detail(teamId, documentId), (detail) =>
    detail ? { ...detail, ...patch } : detail,
  );
  return listed;
}

export function useRetryDocument(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (documentId: string) => retryDocument(teamId, documentId),
    onSuccess: (document) => {
      const { state, pages_done, pages_total, error } = document;
      patchCachedDocument(queryClient, teamId, document.id, { state, pages_done, pages_total, error });
    },
  });
}

// ---- Edits: a document's details, deletion, collections ----------------------

export const updateDocument = (teamId: string, documentId: string, changes: DocumentUpdateRequest) =>
  api.patch<DocumentDetail>(documentPath(teamId, documentId), changes);

/** Deletes the document and its stored file. */
export const deleteDocument = (teamId: string, documentId: string) =>
  api.delete(documentPath(teamId, documentId));

export const createCollection = (teamId: string, body: CollectionRequest) =>
  api.post<Collection>(teamPath(teamId, '/collections'), body);

/** Deletes the collection; its documents stay in the library. */
export const deleteCollection = (teamId: string, collectionId: string) =>
  api.delete(teamPath(teamId, `/collections/${encodeURIComponent(collectionId)}`));

/** The team's lists and document details, but not page texts (an edit never changes those). */
const listsAndDetails = (teamId: string) => ({
  queryKey: documentKeys.all(teamId),
  predicate: ({ queryKey }: { queryKey: readonly unknown[] }) => queryKey[4] !== 'pages',
});

export function useUpdateDocument(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ documentId, changes }: { documentId: string; changes: DocumentUpdateRequest }) =>
      updateDocument(teamId, documentId, changes),
    onSuccess: (document) => {
      queryClient.setQueryData(documentKeys.detail(teamId, document.id), document);
      // Returned, so the mutation settles once the lists on screen show the change.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: libraryKeys.lists(teamId) }),
        queryClient.invalidateQueries({ queryKey: libraryKeys.tags(teamId) }),
      ]);
    },
  });
}

/**
 * `onDeleted` runs here, with the mutation, rather than as a callback of `mutate`: the socket may say
 * the document is gone before the answer comes, and the reader then unmounts the dialog that asked,
 * whose `mutate` callbacks React Query no longer calls.
 */
export function useDeleteDocument(teamId: string, onDeleted?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (documentId: string) => deleteDocument(teamId, documentId),
    onSuccess: (_, documentId) => {
      onDeleted?.();
      // Out of every list at once; the refetch below then brings the next ones up.
      queryClient.setQueriesData<InfiniteData<DocumentPage>>(
        { queryKey: libraryKeys.lists(teamId) },
        (data) =>
          data?.pages
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  results: page.results.filter((document) => document.id !== documentId),
                })),
              }
            : data,
      );
      // Its detail and page texts. Not those still on screen: removing them would make the reader refetch
      // (and show a 404) before its caller has left the page; they are collected once it has.
      queryClient.removeQueries({
        queryKey: documentKeys.detail(teamId, documentId),
        predicate: (query) => query.getObserversCount() === 0,
      });
      void queryClient.invalidateQueries({ queryKey: libraryKeys.lists(teamId) });
      void queryClient.invalidateQueries({ queryKey: libraryKeys.tags(teamId) });
    },
  });
}

export function useCreateCollection(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CollectionRequest) => createCollection(teamId, body),
    onSuccess: (collection) => {
      queryClient.setQueryData<CollectionList>(
        libraryKeys.collections(teamId),
        (list) => list && { results: [...list.results, collection] },
      );
      return queryClient.invalidateQueries({ queryKey: libraryKeys.collections(teamId) });
    },
  });
}

export function useDeleteCollection(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (collectionId: string) => deleteCollection(teamId, collectionId),
    onSuccess: (_, collectionId) => {
      queryClient.setQueryData<CollectionList>(
        libraryKeys.collections(teamId),
        (list) => list && { results: list.results.filter((collection) => collection.id !== collectionId) },
      );
      // Its documents stay, but they no longer name it.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: libraryKeys.collections(teamId) }),
        queryClient.invalidateQueries(listsAndDetails(teamId)),
      ]);
    },
  });
}
