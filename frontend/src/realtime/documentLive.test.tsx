import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { annotationKeys } from '../api/annotations';
import { authKeys } from '../api/auth';
import { makeAnnotation } from '../annotations/testData';
import type { AnnotationList } from '../api/types';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { TEAM, USER } from '../test/fetchStub';
import { useDocumentLive, useLiveUpdates } from './useLiveUpdates';

class SendingSocket extends FakeSocket {
  sent: unknown[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
}

const LIST = annotationKeys.list(TEAM.id, 'd1');
const ANNOTATION = makeAnnotation({
  id: 'a1',
  document_id: 'd1',
  body: 'first',
  anchors: { position: { start: 5, end: 9 } },
  author: null,
});
const REPLY = {
  id: 'r1',
  annotation_id: 'a1',
  author: null,
  body: 'a reply',
  mentions: [],
  version: 1,
  created_at: '2025-03-01T11:00:00Z',
  updated_at: '2025-03-01T11:00:00Z',
};
const event = (type: string, fields: object) => ({ type, team_id: TEAM.id, document_id: 'd1', ...fields });

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(authKeys.me, USER);
  queryClient.setQueryData<AnnotationList>(LIST, {
    results: [],
    deleted: { annotations: [], replies: [] },
    cursor: '2025-03-01T09:00:00Z',
    full: true,
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const socket = renderHook(() => useLiveUpdates(), { wrapper });
  const reader = renderHook(() => useDocumentLive('d1'), { wrapper });
  const results = () => queryClient.getQueryData<AnnotationList>(LIST)!.results;
  return { queryClient, socket, reader, results };
}

beforeEach(() => {
  stubWebSocket();
  vi.stubGlobal('WebSocket', SendingSocket);
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const last = () => FakeSocket.last as SendingSocket;

describe('useDocumentLive', () => {
  it('joins the document once connected, again after a reconnection, and leaves on unmount', () => {
    const { reader, socket, queryClient } = setup();
    act(() => last().open());
    expect(last().sent).toEqual([{ type: 'document.join', document_id: 'd1' }]);
    // The annotations are refetched on (re)connection: whatever was missed comes back.
    expect(queryClient.getQueryState(LIST)?.isInvalidated).toBe(true);

    act(() => last().drop());
    act(() => vi.advanceTimersByTime(5000));
    act(() => last().open());
    expect(last().sent).toEqual([{ type: 'document.join', document_id: 'd1' }]);

    reader.unmount();
    expect(last().sent.at(-1)).toEqual({ type: 'document.leave', document_id: 'd1' });
    socket.unmount();
  });

  it('applies annotation and reply events to the cached list', () => {
    const { results } = setup();
    act(() => last().open());
    act(() => last().receive(event('annotation.created', { annotation: ANNOTATION })));
    expect(results()).toHaveLength(1);
    act(() => last().receive(event('reply.created', { annotation_id: 'a1', reply: REPLY })));
    expect(results()[0].replies).toEqual([REPLY]);
    // An older version arriving late doesn't undo a newer one.
    act(() =>
      last().receive(event('annotation.updated', { annotation: { ...ANNOTATION, body: 'new', version: 3 } })),
    );
    act(() =>
      last().receive(event('annotation.updated', { annotation: { ...ANNOTATION, body: 'old', version: 2 } })),
    );
    expect(results()[0].body).toBe('new');
    act(() => last().receive(event('reply.deleted', { annotation_id: 'a1', reply_id: 'r1' })));
    expect(results()[0].replies).toEqual([]);
    act(() => last().receive(event('annotation.deleted', { annotation_id: 'a1' })));
    expect(results()).toEqual([]);
  });
});
