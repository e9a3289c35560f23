import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { AnnotationEvent } from './events';
import { teamPath } from './teams';
import type {
  Annotation,
  AnnotationCreateRequest,
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

export const listAnnotations = (teamId: string, documentId: string, signal?: AbortSignal) =>
  api.get<AnnotationList>(annotationsPath(teamId, documentId), signal);
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
    list ? { results: change(list.results) } : list,
  );
}

/** Adds or replaces `annotation`, unless the cache already holds a newer version of it. */
export function putAnnotation(queryClient: QueryClient, teamId: string, annotation: Annotation): void {
  updateList(queryClient, teamId, annotation.document_id, (annotations) => {
    const current = annotations.find((item) => item.id === annotation.id);
    if (current && current.version > annotation.version) return annotations;
    return [...annotations.filter((item) => item.id !== annotation.id), annotation].sort(annotationOrder);
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

// ---- Hooks -----------------------------------------------------------------

export function useAnnotations(teamId: string, documentId: string) {
  return useQuery({
    queryKey: annotationKeys.list(teamId, documentId),
    queryFn: ({ signal }) => listAnnotations(teamId, documentId, signal),
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
  const create = useMutation({
    mutationFn: (body: AnnotationCreateRequest) => createAnnotation(teamId, documentId, body),
    onSuccess: put,
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: AnnotationUpdateRequest & { id: string }) =>
      updateAnnotation(teamId, documentId, id, body),
    onSuccess: put,
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteAnnotation(teamId, documentId, id),
    onSuccess: (_, id) => {
      updateList(queryClient, teamId, documentId, (list) => list.filter((item) => item.id !== id));
      settle();
    },
  });
  const resolve = useMutation({
    mutationFn: ({ id, resolved }: { id: string; resolved: boolean }) =>
      resolveAnnotation(teamId, documentId, id, resolved),
    onSuccess: put,
  });
  const reply = useMutation({
    mutationFn: ({ id, body }: { id: string; body: string }) => createReply(teamId, documentId, id, body),
    onSuccess: (created) => {
      putReply(queryClient, teamId, documentId, created);
      settle();
    },
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
  });
  return { create, update, remove, resolve, reply, removeReply };
}
