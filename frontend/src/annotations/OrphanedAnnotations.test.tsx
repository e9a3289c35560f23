import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth';
import { createQueryClient } from '../api/queryClient';
import type { Annotation, TeamDetail } from '../api/types';
import { ME_MEMBER, MEMBERS_PATH } from '../teams/testData';
import { TEAM, TEAM_DETAIL, USER, stubFetch } from '../test/fetchStub';
import { AnnotationSidebar } from './AnnotationSidebar';
import { AnnotationsProvider } from './AnnotationsProvider';

const DOC_ID = 'd0d0d0d0-0000-4000-8000-00000000000d';
const DETAIL_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}`;
const LIST_PATH = `${DETAIL_PATH}/annotations`;
const ME = { id: USER.id, name: USER.display_name, email: USER.email };

function annotation(overrides: Partial<Annotation>): Annotation {
  return {
    id: 'a0000000-0000-4000-8000-000000000000',
    document_id: DOC_ID,
    page_index: 0,
    kind: 'highlight',
    color: 'yellow',
    body: '',
    visibility: 'team',
    anchors: {
      quote: { exact: 'quote', prefix: '', suffix: '' },
      position: { start: 0, end: 5 },
      rects: [[1, 2, 3, 4]],
    },
    mentions: [],
    version: 1,
    author: ME,
    assignee: null,
    resolved_at: null,
    resolved_by: null,
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
    replies: [],
    anchor_status: 'anchored',
    anchor_version: 2,
    ...overrides,
  };
}

const PLACED = annotation({
  id: 'a1',
  anchors: { quote: { exact: 'still here', prefix: '', suffix: '' }, position: { start: 0, end: 10 } },
});
const ORPHANED = annotation({
  id: 'a2',
  page_index: 7,
  body: 'About the **lensing**',
  anchor_status: 'orphaned',
  anchor_version: 1,
  anchors: {
    quote: { exact: 'gravitational lensing', prefix: '', suffix: '' },
    position: { start: 3, end: 24 },
  },
});

function renderSidebar(routes: Parameters<typeof stubFetch>[0]) {
  const requests = stubFetch({
    [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER] } },
    [`GET ${DETAIL_PATH}`]: { body: { id: DOC_ID, version: 2 } },
    ...routes,
  });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  queryClient.setQueryData(authKeys.me, USER);
  render(
    <QueryClientProvider client={queryClient}>
      <AnnotationsProvider team={TEAM_DETAIL as TeamDetail} documentId={DOC_ID}>
        {() => <AnnotationSidebar />}
      </AnnotationsProvider>
    </QueryClientProvider>,
  );
  return { requests, user: userEvent.setup() };
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
});
afterEach(() => vi.unstubAllGlobals());

describe('OrphanedAnnotations', () => {
  it('lists the annotations not placed in the current version apart, with their quote, still repliable', async () => {
    const { user, requests } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [PLACED, ORPHANED] } },
      [`POST ${LIST_PATH}/a2/replies`]: {
        status: 201,
        body: {
          id: 'r1',
          annotation_id: 'a2',
          author: ME,
          body: 'Gone in v2',
          mentions: [],
          version: 1,
          created_at: '2025-03-01T11:00:00Z',
          updated_at: '2025-03-01T11:00:00Z',
        },
      },
    });
    const orphaned = await screen.findByRole('list', { name: 'Orphaned threads' });
    const threads = screen.getByRole('list', { name: 'Threads' });
    expect(within(threads).getAllByRole('listitem')).toHaveLength(1);
    expect(within(threads).queryByText('gravitational lensing')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Orphaned (1)' })).toBeInTheDocument();

    const [item] = within(orphaned).getAllByRole('listitem');
    expect(within(item).getByText('gravitational lensing').tagName).toBe('BLOCKQUOTE');
    expect(await within(item).findByText(/Could not be placed in version 2/)).toHaveTextContent(
      'Could not be placed in version 2; last placed on page 8 of version 1.',
    );

    await user.click(within(item).getByRole('button', { name: /You/ }));
    await user.type(within(item).getByRole('combobox', { name: 'Reply' }), 'Gone in v2');
    await user.click(within(item).getByRole('button', { name: 'Reply' }));
    expect(requests.some((r) => r.method === 'POST' && r.path === `${LIST_PATH}/a2/replies`)).toBe(true);
    expect(await within(item).findByText('Gone in v2')).toBeInTheDocument();
    // The annotation's own Delete, and the reply's.
    expect(within(item).getAllByRole('button', { name: 'Delete' })).toHaveLength(2);
  });

  it('keeps an annotation still pointing at the version before off the pages until it is re-anchored', async () => {
    const waiting = annotation({ id: 'a3', anchor_version: 1, anchors: { ...PLACED.anchors } });
    renderSidebar({ [`GET ${LIST_PATH}`]: { body: { results: [PLACED, waiting] } } });
    const group = await screen.findByRole('list', { name: 'Threads being placed' });
    expect(within(group).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'Being placed on version 2 (1)' })).toBeInTheDocument();
    expect(within(screen.getByRole('list', { name: 'Threads' })).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.queryByRole('list', { name: 'Orphaned threads' })).not.toBeInTheDocument();
  });

  it('shows no group when every annotation is placed', async () => {
    renderSidebar({ [`GET ${LIST_PATH}`]: { body: { results: [PLACED] } } });
    await screen.findByRole('list', { name: 'Threads' });
    expect(screen.queryByRole('list', { name: 'Orphaned threads' })).not.toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Threads being placed' })).not.toBeInTheDocument();
  });
});
