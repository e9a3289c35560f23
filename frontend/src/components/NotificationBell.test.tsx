import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth';
import { createQueryClient } from '../api/queryClient';
import type { UserNotification } from '../api/types';
import { FakeSocket, stubWebSocket } from '../library/test/fakeSocket';
import { useLiveUpdates } from '../realtime/useLiveUpdates';
import { TEAM, USER, stubFetch } from '../test/fetchStub';
import { NotificationBell } from './NotificationBell';

const LIST_PATH = `/api/v1/teams/${TEAM.id}/notifications?page_size=20`;
const READ_PATH = `/api/v1/teams/${TEAM.id}/notifications/read`;
const BOB = { id: 'b0b00000-0000-4000-8000-000000000002', name: 'Bob Babbage', email: 'bob@example.com' };

function mention(overrides: Partial<UserNotification>): UserNotification {
  return {
    id: 'n1',
    kind: 'mention',
    team_id: TEAM.id,
    document_id: 'd1',
    document_title: 'Foxes',
    page_index: 4,
    annotation_id: 'a1',
    reply_id: null,
    actor: BOB,
    excerpt: 'What do you think, @Ada Lovelace?',
    created_at: '2025-03-01T10:00:00Z',
    read_at: null,
    ...overrides,
  };
}

const OLD = mention({
  id: 'n0',
  excerpt: 'An old one',
  read_at: '2025-03-01T11:00:00Z',
  annotation_id: 'a0',
});

function Probe() {
  useLiveUpdates();
  const location = useLocation();
  return <p data-testid="location">{`${location.pathname}${location.search}${location.hash}`}</p>;
}

function renderBell(routes: Parameters<typeof stubFetch>[0]) {
  const requests = stubFetch(routes);
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  queryClient.setQueryData(authKeys.me, USER);
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[`/t/${TEAM.id}/library`]}>
        <NotificationBell teamId={TEAM.id} />
        <Probe />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { requests, queryClient, user: userEvent.setup() };
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
  stubWebSocket();
});
afterEach(() => vi.unstubAllGlobals());

describe('NotificationBell', () => {
  it('counts unread mentions, live, and opens the reader at the thread of one clicked', async () => {
    const { requests, queryClient, user } = renderBell({
      [`GET ${LIST_PATH}`]: { body: { next: null, previous: null, results: [OLD], unread_count: 0 } },
      [`POST ${READ_PATH}`]: { body: { marked: 1, unread_count: 0 } },
    });
    const bell = await screen.findByRole('button', { name: 'Notifications' });
    expect(screen.queryByTestId('notification-count')).not.toBeInTheDocument();

    // A mention arrives over the socket: the count goes up without a reload.
    // (Re)connected: the list is fetched again, for what was missed meanwhile.
    act(() => FakeSocket.last.open());
    await waitFor(() => expect(requests.filter((request) => request.path === LIST_PATH)).toHaveLength(2));
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    act(() =>
      FakeSocket.last.receive({ type: 'notification.created', team_id: TEAM.id, notification: mention({}) }),
    );
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toBe(bell);
    expect(screen.getByTestId('notification-count')).toHaveTextContent('1');
    // The same event twice (a reconnection) counts once.
    act(() =>
      FakeSocket.last.receive({ type: 'notification.created', team_id: TEAM.id, notification: mention({}) }),
    );
    expect(screen.getByTestId('notification-count')).toHaveTextContent('1');

    await user.click(bell);
    const panel = screen.getByRole('region', { name: 'Mentions' });
    const items = within(panel).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Unread: Bob Babbage mentioned you in Foxes');
    expect(items[0]).toHaveTextContent('What do you think, @Ada Lovelace?');
    expect(items[0]).toHaveTextContent('p. 5');
    expect(items[1]).not.toHaveTextContent('Unread');

    await user.click(within(items[0]).getByRole('button', { name: /Bob Babbage mentioned you/ }));
    expect(screen.getByTestId('location')).toHaveTextContent(
      `/t/${TEAM.id}/documents/d1?annotation=a1#page=5`,
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument());
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ ids: ['n1'] });
    expect(screen.queryByRole('region', { name: 'Mentions' })).not.toBeInTheDocument();
  });

  it('marks all read', async () => {
    const { requests, user } = renderBell({
      [`GET ${LIST_PATH}`]: {
        body: {
          next: null,
          previous: null,
          results: [mention({}), mention({ id: 'n2', annotation_id: 'a2' })],
          unread_count: 2,
        },
      },
      [`POST ${READ_PATH}`]: { body: { marked: 2, unread_count: 0 } },
    });
    await user.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    await user.click(screen.getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument());
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: READ_PATH, body: {} });
    expect(screen.getByRole('region', { name: 'Mentions' })).not.toHaveTextContent('Unread');
    expect(screen.getByRole('button', { name: 'Mark all read' })).toBeDisabled();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Mentions' })).not.toBeInTheDocument();
  });

  it('says when nobody mentioned you', async () => {
    const { user } = renderBell({
      [`GET ${LIST_PATH}`]: { body: { next: null, previous: null, results: [], unread_count: 0 } },
    });
    await user.click(await screen.findByRole('button', { name: 'Notifications' }));
    expect(screen.getByText('Nobody has mentioned you yet.')).toBeInTheDocument();
  });
});
