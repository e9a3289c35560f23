import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply, TeamDetail } from '../api/types';
import { BOB, TEAM_AS_VIEWER } from '../teams/testData';
import { TEAM, TEAM_DETAIL, apiError, stubFetch } from '../test/fetchStub';
import { PANELS_OVER_PAGES } from '../reader/panels';
import { AnnotationSidebar } from './AnnotationSidebar';
import type { AnnotationsState } from './context';
import { DOC_ID, LIST_PATH, ME, makeAnnotation, renderWithAnnotations } from './testData';

const PAGES_PATH = `/api/v1/teams/${TEAM.id}/documents/${DOC_ID}/pages?start=0&stop=1`;
const PAGE_TEXT = 'The lazy dog runs. Later the lazy dog sleeps in the shade.';

const annotation = makeAnnotation;

const ON_PAGE_TWO = annotation({
  id: 'a2',
  page_index: 1,
  body: 'Second page',
  anchors: { quote: { exact: 'later words', prefix: '', suffix: '' }, position: { start: 3, end: 14 } },
});
const EARLY = annotation({
  id: 'a1',
  body: 'See **this** <img src=x onerror=alert(1)>',
  anchors: { quote: { exact: 'early words', prefix: '', suffix: '' }, position: { start: 2, end: 13 } },
});
const BOBS = annotation({
  id: 'a3',
  body: 'Resolved by now',
  author: BOB.user,
  resolved_at: '2025-03-02T10:00:00Z',
  anchors: { quote: { exact: 'late words', prefix: '', suffix: '' }, position: { start: 40, end: 50 } },
});

function renderSidebar(
  routes: Parameters<typeof stubFetch>[0],
  team: TeamDetail = TEAM_DETAIL as TeamDetail,
) {
  return renderWithAnnotations(routes, () => <AnnotationSidebar />, team);
}

beforeEach(() => {
  document.cookie = 'csrftoken=t';
});
afterEach(() => vi.unstubAllGlobals());

describe('AnnotationSidebar', () => {
  it('lists threads by page and position, renders Markdown safely and filters', async () => {
    const { user } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [ON_PAGE_TWO, BOBS, EARLY] } },
    });
    const threads = await screen.findByRole('list', { name: 'Threads' });
    const items = within(threads).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('blockquote')?.textContent)).toEqual([
      'early words',
      'late words',
      'later words',
    ]);
    // The body's HTML is text; only the Markdown became markup.
    expect(within(items[0]).getByText('this').tagName).toBe('STRONG');
    expect(items[0].querySelector('img')).toBeNull();
    expect(items[0]).toHaveTextContent('<img src=x onerror=alert(1)>');

    await user.click(screen.getByRole('checkbox', { name: 'Unresolved' }));
    expect(within(threads).queryByText('late words')).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Unresolved' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'By member' }), BOB.user.id);
    expect(within(threads).getAllByRole('listitem')).toHaveLength(1);
    await user.selectOptions(screen.getByRole('combobox', { name: 'By member' }), '');
    await user.click(screen.getByRole('checkbox', { name: 'Mine' }));
    expect(within(threads).queryByText('late words')).not.toBeInTheDocument();
    expect(within(threads).getByText('early words')).toBeInTheDocument();
  });

  it('opens a thread from anywhere on its card, its quote and its comment too', async () => {
    const { user } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [EARLY, ON_PAGE_TWO] } },
    });
    const [early, second] = within(await screen.findByRole('list', { name: 'Threads' })).getAllByRole(
      'listitem',
    );
    const head = (item: HTMLElement) => within(item).getByRole('button', { name: /p\. \d/ });
    expect(head(early)).toHaveAttribute('aria-expanded', 'false');

    await user.click(within(early).getByText('early words'));
    expect(head(early)).toHaveAttribute('aria-expanded', 'true');
    expect(within(early).getByRole('combobox', { name: 'Reply' })).toBeInTheDocument();

    await user.click(within(second).getByText('Second page'));
    expect(head(second)).toHaveAttribute('aria-expanded', 'true');
    expect(head(early)).toHaveAttribute('aria-expanded', 'false');

    // The open card's own controls act by themselves, and a click on its text keeps it open.
    await user.click(within(second).getByText('later words'));
    expect(head(second)).toHaveAttribute('aria-expanded', 'true');
    await user.click(within(second).getByRole('button', { name: 'Edit' }));
    expect(within(second).getByRole('combobox', { name: 'Edit the comment' })).toBeInTheDocument();

    // The keyboard opens it from its head, as before.
    head(early).focus();
    await user.keyboard('{Enter}');
    expect(head(early)).toHaveAttribute('aria-expanded', 'true');
  });

  it('makes way for the Note tool when it covers the pages (narrow screens)', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === PANELS_OVER_PAGES }));
    const { state, user } = renderSidebar({ [`GET ${LIST_PATH}`]: { body: { results: [] } } });
    await screen.findByText(/No annotations yet/);
    act(() => state.current!.setSidebarOpen(true));

    await user.click(screen.getByRole('button', { name: 'Note' }));

    expect(state.current!.noteMode).toBe(true);
    expect(state.current!.sidebarOpen).toBe(false);
  });

  it('replies with an @-mention picked from the members', async () => {
    // The server's state: a refetch (window focus) shows the reply too.
    const replies: Reply[] = [];
    const { user, requests } = renderSidebar({
      [`GET ${LIST_PATH}`]: () => ({ body: { results: [{ ...EARLY, replies }] } }),
      [`POST ${LIST_PATH}/a1/replies`]: (request) => {
        const reply = {
          id: 'r1',
          annotation_id: 'a1',
          author: ME,
          body: (request.body as { body: string }).body,
          mentions: [BOB.user.id],
          version: 1,
          created_at: '2025-03-01T11:00:00Z',
          updated_at: '2025-03-01T11:00:00Z',
        };
        replies.push(reply);
        return { status: 201, body: reply };
      },
    });
    await user.click(await screen.findByRole('button', { name: /You · p\. 1/ }));
    const box = screen.getByRole('combobox', { name: 'Reply' });
    await user.type(box, 'Ask @Bo');
    // The members may still be on their way: the list opens once they are here.
    expect(await screen.findByRole('option', { name: /Bob Babbage/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('Ask @Bob Babbage ');
    await user.type(box, 'please');
    await user.click(screen.getByRole('button', { name: 'Reply' }));
    expect(await screen.findByText('Ask @Bob Babbage please')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ body: 'Ask @Bob Babbage please' });
  });

  it('shows the current text when an edit hits a newer version, and retries from it', async () => {
    const theirs = { ...EARLY, body: 'Their words', version: 2 };
    // The server's state: someone else saves between our load and our first save.
    let current = EARLY;
    const { user, requests } = renderSidebar({
      [`GET ${LIST_PATH}`]: () => ({ body: { results: [current] } }),
      [`GET ${LIST_PATH}/a1`]: () => ({ body: current }),
      [`PATCH ${LIST_PATH}/a1`]: (request) => {
        const { version, ...changes } = request.body as { version: number };
        if (current === EARLY) current = theirs;
        if (version !== current.version) {
          return { status: 409, body: apiError('version_conflict', 'Changed meanwhile.') };
        }
        current = { ...current, ...changes, version: current.version + 1 };
        return { body: current };
      },
    });
    await user.click(await screen.findByRole('button', { name: /You · p\. 1/ }));
    await user.click(screen.getByRole('button', { name: 'Edit' }));
    const box = screen.getByRole('combobox', { name: 'Edit the comment' });
    await user.clear(box);
    await user.type(box, 'My words');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/changed by someone else/)).toBeInTheDocument();
    expect(screen.getByText('Their words')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save mine anyway' }));
    await waitFor(() => expect(screen.queryByRole('combobox', { name: 'Edit the comment' })).toBeNull());
    expect(screen.getByText('My words')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { version: 1, body: 'My words' },
      { version: 2, body: 'My words' },
    ]);
  });
});

describe('SelectionPopover', () => {
  function select(state: { current: AnnotationsState | null }) {
    const pageElement = document.createElement('div');
    act(() =>
      state.current!.setDraft({
        kind: 'selection',
        selection: {
          pageIndex: 0,
          text: 'the lazy dog',
          before: 'The lazy dog runs. Later ',
          after: ' sleeps in the shade.',
          rects: [[10, 20, 90, 32]],
          pageElement,
        },
        rects: [[7.5, 750, 67.5, 759]],
        left: 10,
        top: 40,
        composing: false,
      }),
    );
  }

  it('offers editors the highlight colours', async () => {
    const { state, requests } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [] } },
      [`GET ${PAGES_PATH}`]: { body: { results: [{ index: 0, text: PAGE_TEXT }] } },
      [`POST ${LIST_PATH}`]: (request) => ({
        status: 201,
        body: annotation({ id: 'new', ...(request.body as object) }),
      }),
    });
    await screen.findByText(/No annotations yet/);
    select(state);
    const popover = screen.getByRole('dialog', { name: 'Annotate the selection' });
    expect(within(popover).getAllByRole('button', { name: /^Highlight/ })).toHaveLength(5);
    await userEvent.setup().click(within(popover).getByRole('button', { name: 'Highlight green' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    const start = PAGE_TEXT.indexOf('the lazy dog');
    expect(requests.find((r) => r.method === 'POST')?.body).toMatchObject({
      kind: 'highlight',
      color: 'green',
      page_index: 0,
      anchors: {
        quote: { exact: 'the lazy dog', prefix: PAGE_TEXT.slice(0, start) },
        position: { start, end: start + 12 },
        rects: [[7.5, 750, 67.5, 759]],
      },
    });
  });

  it('gives viewers no highlight, and turns their comment into a note at the selection', async () => {
    const { state, requests, user } = renderSidebar(
      {
        [`GET ${LIST_PATH}`]: { body: { results: [] } },
        [`GET ${PAGES_PATH}`]: { body: { results: [{ index: 0, text: PAGE_TEXT }] } },
        [`POST ${LIST_PATH}`]: (request) => ({
          status: 201,
          body: annotation({ id: 'new', ...(request.body as object) }),
        }),
      },
      TEAM_AS_VIEWER as TeamDetail,
    );
    await screen.findByText(/No annotations yet/);
    select(state);
    const popover = screen.getByRole('dialog', { name: 'Annotate the selection' });
    expect(within(popover).queryByRole('button', { name: /^Highlight/ })).toBeNull();
    await user.click(within(popover).getByRole('button', { name: 'Comment' }));
    await user.type(screen.getByRole('combobox', { name: 'Comment' }), 'Why?');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST')).toBe(true));
    expect(requests.find((r) => r.method === 'POST')?.body).toMatchObject({
      kind: 'note',
      body: 'Why?',
      anchors: { point: [7.5, 759], quote: { exact: 'the lazy dog' } },
    });
  });
});
