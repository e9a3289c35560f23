import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ComponentProps, ReactNode } from 'react';
import { authKeys } from '../api/auth';
import { createQueryClient } from '../api/queryClient';
import type { Annotation, TeamDetail } from '../api/types';
import { BOB, ME_MEMBER, MEMBERS_PATH } from '../teams/testData';
import { TEAM, TEAM_DETAIL, USER, stubFetch } from '../test/fetchStub';
import { AnnotationSidebar } from './AnnotationSidebar';
import { AnnotationsProvider } from './AnnotationsProvider';

/** What the provider hands its children: the context's state, and the sidebar's. */
type ProvidedState = Parameters<ComponentProps<typeof AnnotationsProvider>['children']>[0];

/** What the annotation tests share: one document of the signed-in user's team, and its annotations. */
export const DOC_ID = 'd0d0d0d0-0000-4000-8000-00000000000d';
export const DETAIL_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}`;
export const LIST_PATH = `${DETAIL_PATH}/annotations`;
/** The signed-in user as an annotation names its author. */
export const ME = ME_MEMBER.user;

/** A team-visible highlight of the signed-in user on the first page, placed on version 1. */
export function makeAnnotation(overrides: Partial<Annotation> = {}): Annotation {
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
    anchor_version: 1,
    ...overrides,
  };
}

/**
 * Renders `children` inside the document's `AnnotationsProvider`, signed in, with `routes` answering
 * (the team's members, Ada and Bob, unless `routes` says otherwise). `state.current` is what the
 * provider gives, for tests that act on it directly.
 */
export function renderWithAnnotations(
  routes: Parameters<typeof stubFetch>[0],
  children: () => ReactNode = () => <AnnotationSidebar />,
  team: TeamDetail = TEAM_DETAIL as TeamDetail,
) {
  const requests = stubFetch({ [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER, BOB] } }, ...routes });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  queryClient.setQueryData(authKeys.me, USER);
  const state: { current: ProvidedState | null } = { current: null };
  const ui = (content: () => ReactNode) => (
    <QueryClientProvider client={queryClient}>
      <AnnotationsProvider team={team} documentId={DOC_ID}>
        {(provided) => {
          state.current = provided;
          return content();
        }}
      </AnnotationsProvider>
    </QueryClientProvider>
  );
  const view = render(ui(children));
  return {
    requests,
    state,
    queryClient,
    user: userEvent.setup(),
    rerender: (next: () => ReactNode) => view.rerender(ui(next)),
  };
}
