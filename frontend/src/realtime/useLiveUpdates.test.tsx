import { QueryClient, QueryClientProvider, useQuery, type InfiniteData } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth';
import { documentKeys, libraryKeys } from '../api/documents';
import { teamKeys } from '../api/teams';
import type { DocumentPage } from '../api/types';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { TEAM, USER } from '../test/fetchStub';
import { reconnectDelay, useLiveUpdates } from './useLiveUpdates';

const LIST = documentKeys.list(TEAM.id, {});
const DETAIL = documentKeys.detail(TEAM.id, 'd1');

const doc = {
  id: 'd1',
  title: 'paper',
  filename: 'paper.pdf',
  size: 10,
  state: 'parsing' as const,
  error: null,
  pages_done: 1,
  pages_total: 10,
  authors: [],
  doi: '',
  arxiv_id: '',
  duplicate_of: null,
  uploaded_by: null,
  tags: [],
  collections: [],
  created_at: '2025-01-31T09:30:00Z',
  updated_at: '2025-01-31T09:30:00Z',
  version: 1,
};

function progress(documentId: string, changes: object = {}) {
  return {
    type: 'document.progress',
    team_id: TEAM.id,
    document_id: documentId,
    state: 'parsing',
    pages_done: 5,
    pages_total: 10,
    error: null,
    ...changes,
  };
}

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData<InfiniteData<DocumentPage>>(LIST, {
    pages: [{ next: null, previous: null, results: [doc] }],
    pageParams: [undefined],
  });
  queryClient.setQueryData(DETAIL, { ...doc, pages_without_text: [] });
  queryClient.setQueryData(authKeys.me, USER);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const hook = renderHook(() => useLiveUpdates(), { wrapper });
  const invalidated = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated ?? false;
  const listed = () => queryClient.getQueryData<InfiniteData<DocumentPage>>(LIST)!.pages[0].results[0];
  return { queryClient, hook, invalidated, listed };
}

beforeEach(() => {
  stubWebSocket();
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('useLiveUpdates', () => {
  it('connects to /ws/ of this origin and refetches the documents once connected', () => {
    const { invalidated } = setup();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.last.url).toBe(`ws://${window.location.host}/ws/`);
    expect(invalidated(LIST)).toBe(false);

    act(() => FakeSocket.last.open());

    expect(invalidated(LIST)).toBe(true);
    expect(invalidated(DETAIL)).toBe(true);
  });

  it('updates the progress of a listed document in place, without refetching the list', () => {
    const { invalidated, listed, queryClient } = setup();
    act(() => FakeSocket.last.receive(progress('d1', { pages_done: 7 })));

    expect(listed()).toMatchObject({ id: 'd1', state: 'parsing', pages_done: 7, pages_total: 10 });
    expect(queryClient.getQueryData(DETAIL)).toMatchObject({ pages_done: 7 });
    expect(invalidated(LIST)).toBe(false);
  });

  it("refetches the lists for a document they do not hold yet (another member's upload)", () => {
    const { invalidated } = setup();
    act(() =>
      FakeSocket.last.receive(progress('new-one', { state: 'queued', pages_done: 0, pages_total: null })),
    );
    expect(invalidated(LIST)).toBe(true);
  });

  it('shows a failed parse in place and refetches the lists, which may filter on the state', () => {
    const { invalidated, listed } = setup();
    act(() =>
      FakeSocket.last.receive(
        progress('d1', {
          state: 'failed',
          error: { code: 'encrypted', message: 'The PDF is password-protected.' },
        }),
      ),
    );
    expect(listed()).toMatchObject({
      state: 'failed',
      error: { code: 'encrypted', message: 'The PDF is password-protected.' },
    });
    expect(invalidated(LIST)).toBe(true);
  });

  it('a parse that ends while the list is being fetched is not undone by that older answer', async () => {
    vi.useRealTimers();
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    queryClient.setQueryData(authKeys.me, USER);
    const answers: Array<(state: string) => void> = [];
    const queryFn = () =>
      new Promise<{ state: string }>((resolve) => answers.push((state) => resolve({ state })));
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const list = renderHook(
      () => {
        useLiveUpdates();
        return useQuery({ queryKey: LIST, queryFn });
      },
      { wrapper },
    );
    await waitFor(() => expect(answers).toHaveLength(1));
    act(() => answers[0]('queued')); // the library has loaded
    await waitFor(() => expect(list.result.current.data).toEqual({ state: 'queued' }));
    act(() => void list.result.current.refetch()); // asked again (another event, a refocus): in flight
    await waitFor(() => expect(answers).toHaveLength(2));

    act(() => FakeSocket.last.receive(progress('d1', { state: 'ready', pages_done: 10 })));
    await waitFor(() => expect(answers).toHaveLength(3)); // asked again, after the event
    act(() => answers[1]('parsing')); // the answer from before the event comes last
    act(() => answers[2]('ready'));

    await waitFor(() => expect(list.result.current.data).toEqual({ state: 'ready' }));
    list.unmount();
  });

  it('refetches a changed document and drops a deleted one', () => {
    const { invalidated, queryClient } = setup();
    act(() =>
      FakeSocket.last.receive({
        type: 'document.changed',
        team_id: TEAM.id,
        document_id: 'd1',
        deleted: false,
      }),
    );
    expect(invalidated(DETAIL)).toBe(true);
    expect(invalidated(LIST)).toBe(true);

    act(() =>
      FakeSocket.last.receive({
        type: 'document.changed',
        team_id: TEAM.id,
        document_id: 'd1',
        deleted: true,
      }),
    );
    expect(queryClient.getQueryData(DETAIL)).toBeUndefined();
  });

  it('refetches the collections and the lists when another member makes or deletes a collection', () => {
    const { invalidated, queryClient } = setup();
    const COLLECTIONS = libraryKeys.collections(TEAM.id);
    queryClient.setQueryData(COLLECTIONS, { results: [] });
    act(() => FakeSocket.last.receive({ type: 'collections.changed', team_id: TEAM.id }));

    expect(invalidated(COLLECTIONS)).toBe(true);
    expect(invalidated(LIST)).toBe(true);
    expect(invalidated(DETAIL)).toBe(false);
  });

  it('reconnects with backoff after a drop and refetches what it may have missed', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { invalidated, queryClient } = setup();
    act(() => FakeSocket.last.open());
    queryClient.setQueryData(LIST, queryClient.getQueryData(LIST)); // fresh again
    expect(invalidated(LIST)).toBe(false);

    act(() => FakeSocket.last.drop(1006));
    expect(FakeSocket.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(reconnectDelay(0, () => 0) - 1));
    expect(FakeSocket.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeSocket.instances).toHaveLength(2);

    // Refused again before opening: the next wait is longer.
    act(() => FakeSocket.last.drop(1006));
    act(() => vi.advanceTimersByTime(reconnectDelay(0, () => 0)));
    expect(FakeSocket.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(reconnectDelay(1, () => 0)));
    expect(FakeSocket.instances).toHaveLength(3);

    act(() => FakeSocket.last.open());
    expect(invalidated(LIST)).toBe(true);
  });

  it('reconnects at once when removed from a team (4403) and stops when signed out (4401)', () => {
    const { queryClient } = setup();
    act(() => FakeSocket.last.open());
    act(() => FakeSocket.last.drop(4403));
    act(() => vi.advanceTimersByTime(0));
    expect(FakeSocket.instances).toHaveLength(2);

    act(() => FakeSocket.last.open());
    act(() => FakeSocket.last.drop(4401));
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeSocket.instances).toHaveLength(2);
    expect(queryClient.getQueryData(authKeys.me)).toBeNull();
  });

  it("reloads the team, its members and the team list when the user's own role there changes", () => {
    const { queryClient, invalidated } = setup();
    const other = 'another-team';
    for (const key of [
      teamKeys.detail(TEAM.id),
      teamKeys.members(TEAM.id),
      teamKeys.list,
      teamKeys.detail(other),
      teamKeys.members(other),
    ]) {
      queryClient.setQueryData(key, {});
    }
    act(() => FakeSocket.last.open());
    act(() => FakeSocket.last.receive({ type: 'membership.changed', team_id: TEAM.id, role: 'viewer' }));

    expect(invalidated(teamKeys.detail(TEAM.id))).toBe(true);
    expect(invalidated(teamKeys.members(TEAM.id))).toBe(true);
    expect(invalidated(teamKeys.list)).toBe(true);
    expect(invalidated(teamKeys.detail(other))).toBe(false);
    expect(invalidated(teamKeys.members(other))).toBe(false);
    expect(FakeSocket.last.closedWith).toBeNull(); // still a member: the socket stays
  });

  it('closes the socket when unmounted and does not reconnect', () => {
    const { hook } = setup();
    const socket = FakeSocket.last;
    act(() => socket.open());
    hook.unmount();
    expect(socket.closedWith).toBe(1000);
    act(() => socket.drop(1000));
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('closes a socket still connecting once it is open (closing it sooner makes the browser log an error)', () => {
    const { hook } = setup();
    const socket = FakeSocket.last;
    hook.unmount();
    expect(socket.closedWith).toBeNull();
    act(() => socket.open());
    expect(socket.closedWith).toBe(1000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('backs off exponentially up to 30 seconds', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 30_000,
    ]);
    expect(reconnectDelay(0, () => 0)).toBe(500);
  });
});
