import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import { documentKeys } from './documents';
import type { AnnotationEvent } from './events';
import { teamPath } from './teams';
import type {
  Annotation,
  AnnotationCreateRequest,
  AnnotationExport,
  AnnotationList,
  AnnotationUpdateRequest,
  Reply,
} from './types';

export const annotationKeys = {
  // Under the document's key, so a (re)connected socket's refetch of documents covers them too.
  list: (teamId: string, documentId: string) =>
    ['teams', teamId, 'documents', documentId, 'annotations'] as const,
};

const annotationsPath = (teamId: string, documentId: string, suffix = '') =>
  teamPath(teamId, `/documents/${encodeURIComponent(documentId)}/annotations${suffix}`);
const annotationPath = (teamId: string, documentId: string, annotationId: string, suffix = '') =>
  annotationsPath(teamId, documentId, `/${encodeURIComponent(annotationId)}${suffix}`);

// ---- Plain functions -------------------------------------------------------

/** Everything you can see, or with `updatedAfter` (a `cursor` of an earlier answer) what changed since. */
export const listAnnotations = (
  teamId: string,
  documentId: string,
  signal?: AbortSignal,
  updatedAfter?: string,
) =>
  api.get<AnnotationList>(
    annotationsPath(
      teamId,
      documentId,
      updatedAfter ? `?${new URLSearchParams({ updated_after: updatedAfter })}` : '',
    ),
    signal,
  );
export const createAnnotation = (teamId: string, documentId: string, body: AnnotationCreateRequest) =>
  api.post<Annotation>(annotationsPath(teamId, documentId), body);
export const updateAnnotation = (
  teamId: string,
  documentId: string,
  id: string,
  body: AnnotationUpdateRequest,
) => api.patch<Annotation>(annotationPath(teamId, documentId, id), body);
export const deleteAnnotation = (teamId: string, documentId: string, id: string) =>
  api.delete(annotationPath(teamId, documentId, id));
export const resolveAnnotation = (teamId: string, documentId: string, id: string, resolved: boolean) =>
  api.post<Annotation>(annotationPath(teamId, documentId, id, resolved ? '/resolve' : '/reopen'));
export const createReply = (teamId: string, documentId: string, id: string, body: string) =>
  api.post<Reply>(annotationPath(teamId, documentId, id, '/replies'), { body });
export const deleteReply = (teamId: string, documentId: string, id: string, replyId: string) =>
  api.delete(annotationPath(teamId, documentId, id, `/replies/${encodeURIComponent(replyId)}`));

/** JSON-LD or Markdown, made in the request: a plain link downloads it (same origin, session cookie). */
export const annotationsExportUrl = (teamId: string, documentId: string, format: 'jsonld' | 'markdown') =>
  annotationsPath(teamId, documentId, `/export?format=${format}`);
/** The annotated PDF is made in the background: 202 with the export, then its state until ready. */
export const startPdfExport = (teamId: string, documentId: string) =>
  api.post<AnnotationExport>(annotationsPath(teamId, documentId, '/exports'), { format: 'pdf' });
export const getExport = (teamId: string, documentId: string, exportId: string, signal?: AbortSignal) =>
  api.get<AnnotationExport>(
    annotationsPath(teamId, documentId, `/exports/${encodeURIComponent(exportId)}`),
    signal,
  );

// ---- The cache ---------------------------------------------------------------

/** Reading order: by page, then where on the page the text starts (notes by their height). */
export function annotationOrder(a: Annotation, b: Annotation): number {
  return a.page_index - b.page_index || offsetOf(a) - offsetOf(b) || a.created_at.localeCompare(b.created_at);
}

function offsetOf(annotation: Annotation): number {
  const { position, point, rects } = annotation.anchors;
  if (position) return position.start;
  // No text offset: somewhere in the middle by height (PDF y grows upwards).
  const y = point?.[1] ?? rects?.[0]?.[3] ?? 0;
  return 1_000_000 - y;
}

function updateList(
  queryClient: QueryClient,
  teamId: string,
  documentId: string,
  change: (annotations: Annotation[]) => Annotation[],
): void {
  queryClient.setQueryData<AnnotationList>(annotationKeys.list(teamId, documentId), (list) =>
    list ? { ...list, results: change(list.results) } : list,
  );
}

/** `current` with a newer version of `annotation` (added, or replacing an older or equal version). */
function withAnnotation(current: Annotation[], annotation: Annotation): Annotation[] {
  const cached = current.find((item) => item.id === annotation.id);
  if (cached && cached.version > annotation.version) return current;
  return [...current.filter((item) => item.id !== annotation.id), annotation];
}

/**
 * The cached list brought up to date by a catch-up answer (`?updated_after=`): what was removed since
 * goes, what changed comes (unless the cache already holds a newer version, from an event). A `full`
 * answer (no cursor, or one older than the server remembers removals) replaces the list.
 */
export function applyCatchUp(current: AnnotationList | undefined, answer: AnnotationList): AnnotationList {
  if (!current || answer.full) return answer;
  const gone = new Set(answer.deleted.annotations);
  const goneReplies = new Set(answer.deleted.replies);
  let results = current.results
    .filter((annotation) => !gone.has(annotation.id))
    .map((annotation) =>
      annotation.replies.some((reply) => goneReplies.has(reply.id))
        ? { ...annotation, replies: annotation.replies.filter((reply) => !goneReplies.has(reply.id)) }
        : annotation,
    );
  for (const annotation of answer.results) results = withAnnotation(results, annotation);
  return { ...answer, results: results.sort(annotationOrder) };
}

/**
 * The query's fetch: the whole list the first time, then (a reconnect, a refocus) only what changed
 * since the cursor of the cached list, merged into the cache as it is when the answer arrives.
 */
export async function loadAnnotations(
  queryClient: QueryClient,
  teamId: string,
  documentId: string,
  signal?: AbortSignal,
): Promise<AnnotationList> {
  const key = annotationKeys.list(teamId, documentId);
  const cursor = queryClient.getQueryData<AnnotationList>(key)?.cursor;
  const answer = await listAnnotations(teamId, documentId, signal, cursor);
  if (!cursor || answer.full) return answer;
  const latest = queryClient.getQueryData<AnnotationList>(key);
  // The cache went away meanwhile: a partial answer has nothing to apply to.
  return latest ? applyCatchUp(latest, answer) : listAnnotations(teamId, documentId, signal);
}

/** Adds or replaces `annotation`, unless the cache already holds a newer version of it. */
export function putAnnotation(queryClient: QueryClient, teamId: string, annotation: Annotation): void {
  updateList(queryClient, teamId, annotation.document_id, (annotations) => {
    const next = withAnnotation(annotations, annotation);
    return next === annotations ? annotations : next.sort(annotationOrder);
  });
}

function putReply(queryClient: QueryClient, teamId: string, documentId: string, reply: Reply): void {
  updateList(queryClient, teamId, documentId, (annotations) =>
    annotations.map((annotation) => {
      if (annotation.id !== reply.annotation_id) return annotation;
      const current = annotation.replies.find((item) => item.id === reply.id);
      if (current && current.version > reply.version) return annotation;
      const replies = current
        ? annotation.replies.map((item) => (item.id === reply.id ? reply : item))
        : [...annotation.replies, reply];
      return { ...annotation, replies };
    }),
  );
}

/** Applies one annotation message from /ws/ to the cached list of its document. */
export function applyAnnotationEvent(queryClient: QueryClient, event: AnnotationEvent): void {
  const { team_id: teamId, document_id: documentId } = event;
  const key = annotationKeys.list(teamId, documentId);
  if (queryClient.getQueryData(key) === undefined) {
    // Still loading: the answer may have been read before this change, so it is asked for again.
    if (queryClient.isFetching({ queryKey: key, exact: true }) > 0)
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
    return;
  }
  switch (event.type) {
    case 'annotation.created':
    case 'annotation.updated':
      putAnnotation(queryClient, teamId, event.annotation);
      break;
    case 'annotation.deleted':
      updateList(queryClient, teamId, documentId, (list) =>
        list.filter((item) => item.id !== event.annotation_id),
      );
      break;
    case 'reply.created':
    case 'reply.updated':
      putReply(queryClient, teamId, documentId, event.reply);
      break;
    case 'reply.deleted':
      updateList(queryClient, teamId, documentId, (list) =>
        list.map((item) =>
          item.id === event.annotation_id
            ? { ...item, replies: item.replies.filter((reply) => reply.id !== event.reply_id) }
            : item,
        ),
      );
      break;
  }
}

/**
 * A 404 may mean the document itself is gone (deleted while this tab missed the socket's event): the
 * open document is asked for again, and the reader says it was deleted if it was.
 */
function recheckDocument(queryClient: QueryClient, teamId: string, documentId: string, error: unknown): void {
  if (error instanceof ApiError && error.status === 404)
    void queryClient.invalidateQueries({ queryKey: documentKeys.detail(teamId, documentId), exact: true });
}

// ---- Hooks -----------------------------------------------------------------

export function useAnnotations(teamId: string, documentId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: annotationKeys.list(teamId, documentId),
    queryFn: async ({ signal }) => {
      try {
        return await loadAnnotations(queryClient, teamId, documentId, signal);
      } catch (error) {
        recheckDocument(queryClient, teamId, documentId, error);
        throw error;
      }
    },
    select: (list) => [...list.results].sort(annotationOrder),
  });
}

/** Every change answers with the annotation (or reply); it goes into the cache at once. */
export function useAnnotationActions(teamId: string, documentId: string) {
  const queryClient = useQueryClient();
  const key = annotationKeys.list(teamId, documentId);
  // A fetch of the list that started before this change would land after it without it: it is
  // replaced by one that starts now.
  const settle = () => {
    if (queryClient.isFetching({ queryKey: key, exact: true }) > 0)
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
  };
  const put = (annotation: Annotation) => {
    putAnnotation(queryClient, teamId, annotation);
    settle();
  };
  const onError = (error: ApiError) => recheckDocument(queryClient, teamId, documentId, error);
  const create = useMutation({
    mutationFn: (body: AnnotationCreateRequest) => createAnnotation(teamId, documentId, body),
    onSuccess: put,
    onError,
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: AnnotationUpdateRequest & { id: string }) =>
      updateAnnotation(teamId, documentId, id, body),
    onSuccess: put,
    onError,
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteAnnotation(teamId, documentId, id),
    onSuccess: (_, id) => {
      updateList(queryClient, teamId, documentId, (list) => list.filter((item) => item.id !== id));
      settle();
    },
    onError,
  });
  const resolve = useMutation({
    mutationFn: ({ id, resolved }: { id: string; resolved: boolean }) =>
      resolveAnnotation(teamId, documentId, id, resolved),
    onSuccess: put,
    onError,
  });
  const reply = useMutation({
    mutationFn: ({ id, body }: { id: string; body: string }) => createReply(teamId, documentId, id, body),
    onSuccess: (created) => {
      putReply(queryClient, teamId, documentId, created);
      settle();
    },
    onError,
  });
  const removeReply = useMutation({
    mutationFn: ({ id, replyId }: { id: string; replyId: string }) =>
      deleteReply(teamId, documentId, id, replyId),
    onSuccess: (_, { id, replyId }) => {
      updateList(queryClient, teamId, documentId, (list) =>
        list.map((item) =>
          item.id === id ? { ...item, replies: item.replies.filter((r) => r.id !== replyId) } : item,
        ),
      );
      settle();
    },
    onError,
  });
  return { create, update, remove, resolve, reply, removeReply };
}
