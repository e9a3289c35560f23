import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeAnnotation } from '../annotations/testData';
import { TEAM, stubFetch } from '../test/fetchStub';
import { annotationKeys, applyCatchUp, loadAnnotations } from './annotations';
import type { Annotation, AnnotationList, Reply } from './types';

const DOC_ID = 'd1';
const LIST_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}/annotations`;
const KEY = annotationKeys.list(TEAM.id, DOC_ID);
const NOTHING_REMOVED = { annotations: [], replies: [] };

function reply(id: string, annotationId: string): Reply {
  return {
    id,
    annotation_id: annotationId,
    author: null,
    body: `reply ${id}`,
    mentions: [],
    version: 1,
    created_at: '2025-03-01T11:00:00Z',
    updated_at: '2025-03-01T11:00:00Z',
  };
}

function annotation(id: string, start: number, fields: Partial<Annotation> = {}): Annotation {
  return makeAnnotation({
    id,
    document_id: DOC_ID,
    body: id,
    anchors: { position: { start, end: start + 4 } },
    author: null,
    ...fields,
  });
}

function list(results: Annotation[], fields: Partial<AnnotationList> = {}): AnnotationList {
  return { results, deleted: NOTHING_REMOVED, cursor: '2025-03-01T12:00:00Z', full: true, ...fields };
}

afterEach(() => vi.unstubAllGlobals());

describe('applyCatchUp', () => {
  it('drops what was removed, merges what changed and takes the new cursor', () => {
    const cached = list([
      annotation('a', 0),
      annotation('b', 10, { replies: [reply('r1', 'b'), reply('r2', 'b')] }),
      annotation('c', 20, { version: 3, body: 'newer, from an event' }),
    ]);
    const answer = list([annotation('c', 20, { version: 2 }), annotation('d', 5)], {
      full: false,
      cursor: '2025-03-02T08:00:00Z',
      deleted: { annotations: ['a', 'unknown'], replies: ['r1'] },
    });

    const merged = applyCatchUp(cached, answer);

    expect(merged.results.map((item) => item.id)).toEqual(['d', 'b', 'c']);
    expect(merged.results.find((item) => item.id === 'b')!.replies.map((item) => item.id)).toEqual(['r2']);
    expect(merged.results.find((item) => item.id === 'c')!.body).toBe('newer, from an event');
    expect(merged.cursor).toBe('2025-03-02T08:00:00Z');
    expect(merged.full).toBe(false);
  });

  it('replaces the list with a full answer (the cursor was older than the server remembers)', () => {
    const cached = list([annotation('a', 0), annotation('b', 10)]);
    const answer = list([annotation('b', 10)], { full: true, cursor: '2025-04-01T00:00:00Z' });
    expect(applyCatchUp(cached, answer)).toBe(answer);
  });
});

describe('loadAnnotations', () => {
  it('loads everything first, then only what changed since the cursor, deletions included', async () => {
    const queryClient = new QueryClient();
    const catchUpPath = `${LIST_PATH}?updated_after=${encodeURIComponent('2025-03-01T12:00:00Z')}`;
    const requests = stubFetch({
      [`GET ${LIST_PATH}`]: { body: list([annotation('a', 0), annotation('b', 10)]) },
      [`GET ${catchUpPath}`]: {
        body: list([annotation('b', 10, { version: 2, body: 'edited' })], {
          full: false,
          cursor: '2025-03-01T13:00:00Z',
          deleted: { annotations: ['a'], replies: [] },
        }),
      },
    });

    const first = await loadAnnotations(queryClient, TEAM.id, DOC_ID);
    queryClient.setQueryData(KEY, first);
    const second = await loadAnnotations(queryClient, TEAM.id, DOC_ID);

    expect(requests.map((request) => request.path)).toEqual([LIST_PATH, catchUpPath]);
    expect(first.results.map((item) => item.id)).toEqual(['a', 'b']);
    expect(second.results.map((item) => [item.id, item.body])).toEqual([['b', 'edited']]);
    expect(second.cursor).toBe('2025-03-01T13:00:00Z');
  });

  it('takes a full answer to a stale cursor as the whole list', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(KEY, list([annotation('a', 0), annotation('gone', 5)], { cursor: 'old' }));
    stubFetch({
      [`GET ${LIST_PATH}?updated_after=old`]: { body: list([annotation('a', 0)], { full: true }) },
    });

    const reloaded = await loadAnnotations(queryClient, TEAM.id, DOC_ID);

    expect(reloaded.results.map((item) => item.id)).toEqual(['a']);
  });
});
