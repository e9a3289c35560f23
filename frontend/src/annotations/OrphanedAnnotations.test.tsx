import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../api/types';
import type { stubFetch } from '../test/fetchStub';
import { DETAIL_PATH, DOC_ID, LIST_PATH, ME, makeAnnotation, renderWithAnnotations } from './testData';

const annotation = (overrides: Partial<Annotation>) => makeAnnotation({ anchor_version: 2, ...overrides });

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
  return renderWithAnnotations({ [`GET ${DETAIL_PATH}`]: { body: { id: DOC_ID, version: 2 } }, ...routes });
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
