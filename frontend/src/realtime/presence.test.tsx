import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { PresenceAvatars, colourOfUser, initialsOf } from '../reader/PresenceAvatars';
import { USER } from '../test/fetchStub';
import { PRESENCE_PAGE_DEBOUNCE_MS, usePresencePage } from './presence';
import { PRESENCE_PING_MS, useDocumentLive, useLiveUpdates } from './useLiveUpdates';

class SendingSocket extends FakeSocket {
  sent: unknown[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
}

const last = () => FakeSocket.last as SendingSocket;
const BOB = { user_id: 'b0b', name: 'Bob Babbage', page: 2 };
const CAROL = { user_id: 'ca201', name: 'carol@example.com', page: 0 };
const ME = { user_id: USER.id, name: USER.display_name, page: 0 };

function Hash() {
  return <p data-testid="hash">{useLocation().hash}</p>;
}

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(authKeys.me, USER);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/t/x/documents/d1']}>{children}</MemoryRouter>
    </QueryClientProvider>
  );
  const socket = renderHook(() => useLiveUpdates(), { wrapper });
  return { wrapper, socket };
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

describe('presence', () => {
  it('joins with the page shown, sends page changes debounced and pings while a document is open', () => {
    const { wrapper, socket } = setup();
    const reader = renderHook(
      () => {
        const report = usePresencePage('d1');
        useDocumentLive('d1');
        return report;
      },
      { wrapper },
    );
    // The page the reader opens at goes with the join.
    act(() => reader.result.current(3));
    act(() => last().open());
    expect(last().sent).toEqual([{ type: 'document.join', document_id: 'd1', page: 2 }]);

    // Scrolling past pages 4 and 5 to 6: only 6 is sent, once the reader stops.
    act(() => reader.result.current(4));
    act(() => reader.result.current(5));
    act(() => reader.result.current(6));
    expect(last().sent).toHaveLength(1);
    act(() => vi.advanceTimersByTime(PRESENCE_PAGE_DEBOUNCE_MS));
    expect(last().sent.at(-1)).toEqual({ type: 'presence.page', document_id: 'd1', page: 5 });

    act(() => vi.advanceTimersByTime(PRESENCE_PING_MS));
    expect(last().sent.at(-1)).toEqual({ type: 'presence.ping' });
    expect(PRESENCE_PING_MS).toBeLessThan(30_000);

    // After a reconnection the join carries the current page.
    act(() => last().drop());
    act(() => vi.advanceTimersByTime(5000));
    act(() => last().open());
    expect(last().sent[0]).toEqual({ type: 'document.join', document_id: 'd1', page: 5 });

    // Closed: left, and no more pings.
    reader.unmount();
    expect(last().sent.at(-1)).toEqual({ type: 'document.leave', document_id: 'd1' });
    const sent = last().sent.length;
    act(() => vi.advanceTimersByTime(PRESENCE_PING_MS * 2));
    expect(last().sent).toHaveLength(sent);
    socket.unmount();
  });

  it('shows the other viewers as avatars, live, and jumps to the page of one clicked', () => {
    const { wrapper } = setup();
    act(() => last().open());
    render(
      <>
        <PresenceAvatars documentId="d1" />
        <Hash />
      </>,
      { wrapper },
    );
    expect(screen.queryByRole('list', { name: 'Also reading' })).not.toBeInTheDocument();

    act(() => last().receive({ type: 'presence.state', document_id: 'd1', viewers: [BOB, CAROL, ME] }));
    const list = screen.getByRole('list', { name: 'Also reading' });
    // The signed-in user is not among the others.
    const avatars = within(list).getAllByRole('button');
    expect(avatars.map((avatar) => avatar.getAttribute('title'))).toEqual([
      'Bob Babbage — page 3',
      'carol@example.com — page 1',
    ]);
    expect(avatars.map((avatar) => avatar.textContent)).toEqual(['BB', 'C']);
    expect(avatars[0].style.background).not.toBe(avatars[1].style.background);

    // Another document's state changes nothing here.
    act(() => last().receive({ type: 'presence.state', document_id: 'd2', viewers: [] }));
    expect(within(list).getAllByRole('button')).toHaveLength(2);

    act(() => avatars[0].click());
    expect(screen.getByTestId('hash')).toHaveTextContent('#page=3');

    // Bob closed his tab.
    act(() => last().receive({ type: 'presence.state', document_id: 'd1', viewers: [CAROL, ME] }));
    expect(screen.getByRole('button', { name: 'carol@example.com — page 1' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Bob Babbage/ })).not.toBeInTheDocument();
    act(() => last().receive({ type: 'presence.state', document_id: 'd1', viewers: [ME] }));
    expect(screen.queryByRole('list', { name: 'Also reading' })).not.toBeInTheDocument();
  });

  it('gives each user stable initials and colour', () => {
    expect(initialsOf('Ada King Lovelace')).toBe('AL');
    expect(initialsOf('bob.babbage@example.com')).toBe('BB');
    expect(initialsOf('')).toBe('?');
    expect(colourOfUser('b0b')).toBe(colourOfUser('b0b'));
    expect(colourOfUser('b0b')).not.toBe(colourOfUser('ca201'));
  });
});
