import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth';
import { createQueryClient } from '../api/queryClient';
import type { TeamDetail } from '../api/types';
import { ME_MEMBER, MEMBERS_PATH } from '../teams/testData';
import { TEAM, TEAM_DETAIL, USER, stubFetch } from '../test/fetchStub';
import { AnnotationFromAddress, annotationAddress } from './AnnotationFromAddress';
import { AnnotationSidebar } from './AnnotationSidebar';
import { AnnotationsProvider } from './AnnotationsProvider';
import { DOC_ID, LIST_PATH, makeAnnotation } from './testData';

const note = (id: string, page: number, body: string) =>
  makeAnnotation({ id, page_index: page, kind: 'note', body, anchors: { point: [100, 700] } });

beforeEach(() => {
  stubFetch({
    [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER] } },
    [`GET ${LIST_PATH}`]: { body: { results: [note('a1', 0, 'First'), note('a2', 2, 'Mentions you')] } },
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('AnnotationFromAddress', () => {
  it('opens the thread named in the address (a notification followed)', async () => {
    const queryClient = createQueryClient();
    queryClient.setQueryData(authKeys.me, USER);
    const address = annotationAddress(TEAM.id, DOC_ID, 'a2', 2);
    expect(address).toBe(`/t/${TEAM.id}/documents/${DOC_ID}?annotation=a2#page=3`);
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[address]}>
          <AnnotationsProvider team={TEAM_DETAIL as TeamDetail} documentId={DOC_ID}>
            {() => (
              <>
                <div className="reader-page" data-page-number="3" />
                <AnnotationFromAddress />
                <AnnotationSidebar />
              </>
            )}
          </AnnotationsProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const threads = await screen.findByRole('list', { name: 'Threads' });
    const [first, second] = within(threads).getAllByRole('listitem');
    await waitFor(() => expect(second).toHaveClass('is-selected'));
    expect(first).not.toHaveClass('is-selected');
  });
});
