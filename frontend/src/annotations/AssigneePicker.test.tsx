import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../api/types';
import { BOB, ME_MEMBER, MEMBERS_PATH } from '../teams/testData';
import { apiError, stubFetch } from '../test/fetchStub';
import { LIST_PATH, ME, makeAnnotation, renderWithAnnotations } from './testData';

/** An area of the signed-in user's, with a comment. */
const annotation = (overrides: Partial<Annotation>) =>
  makeAnnotation({
    id: 'a1',
    kind: 'area',
    color: 'blue',
    body: 'Look at this figure',
    anchors: { rects: [[10, 20, 110, 220]] },
    ...overrides,
  });

const renderSidebar = (routes: Parameters<typeof stubFetch>[0]) => renderWithAnnotations(routes);

beforeEach(() => {
  document.cookie = 'csrftoken=t';
});
afterEach(() => vi.unstubAllGlobals());

describe('Assigning a thread', () => {
  it('assigns to a member and unassigns, with the version shown', async () => {
    let current = annotation({});
    const { requests, user } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [current] } },
      [`PATCH ${LIST_PATH}/a1`]: (request) => {
        const { version, assignee_id: assigneeId } = request.body as {
          version: number;
          assignee_id: string | null;
        };
        const assignee = [ME, BOB.user].find((member) => member.id === assigneeId) ?? null;
        current = { ...current, assignee, version: version + 1 };
        return { body: current };
      },
    });
    const threads = await screen.findByRole('list', { name: 'Threads' });
    expect(threads).not.toHaveTextContent('Assigned to');
    await user.click(within(threads).getByRole('button', { name: /You · p\. 1/ }));
    await user.click(within(threads).getByRole('button', { name: 'Assign…' }));
    const picker = within(threads).getByRole('combobox', { name: 'Assignee' });
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(3));
    expect(
      within(picker)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Nobody', `${ME.name} (you)`, BOB.user.name]);

    await user.selectOptions(picker, BOB.user.id);
    await waitFor(() => expect(threads).toHaveTextContent('Assigned to Bob Babbage'));
    // Assigned: the list closes.
    expect(picker).not.toBeInTheDocument();

    await user.click(within(threads).getByRole('button', { name: 'Change assignee' }));
    const again = within(threads).getByRole('combobox', { name: 'Assignee' });
    expect(again).toHaveValue(BOB.user.id);
    await user.selectOptions(again, '');
    await waitFor(() => expect(threads).not.toHaveTextContent('Assigned to'));
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { version: 1, assignee_id: BOB.user.id },
      { version: 2, assignee_id: null },
    ]);
  });

  it('shows what someone else changed meanwhile (409) and the server refusing a member', async () => {
    const theirs = annotation({ version: 2, assignee: BOB.user });
    const { user } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [annotation({})] } },
      [`GET ${LIST_PATH}/a1`]: { body: theirs },
      [`PATCH ${LIST_PATH}/a1`]: (request) =>
        (request.body as { version: number }).version === 1
          ? { status: 409, body: apiError('version_conflict', 'Changed meanwhile.') }
          : {
              status: 400,
              body: apiError(
                'assignee_cannot_see',
                'A private annotation can be assigned only to its author; share it with the team first.',
              ),
            },
    });
    const threads = await screen.findByRole('list', { name: 'Threads' });
    await user.click(within(threads).getByRole('button', { name: /You · p\. 1/ }));
    await user.click(within(threads).getByRole('button', { name: 'Assign…' }));
    const picker = within(threads).getByRole('combobox', { name: 'Assignee' });
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(3));
    await user.selectOptions(picker, ME.id);
    expect(await within(threads).findByRole('alert')).toHaveTextContent('Someone changed this annotation');
    // Their assignment is shown now.
    expect(threads).toHaveTextContent('Assigned to Bob Babbage');
    expect(picker).toHaveValue(BOB.user.id);

    await user.selectOptions(picker, ME.id);
    await waitFor(() =>
      expect(within(threads).getByRole('alert')).toHaveTextContent('can be assigned only to its author'),
    );
  });

  it('filters the threads assigned to me', async () => {
    const { user } = renderSidebar({
      [`GET ${LIST_PATH}`]: {
        body: {
          results: [
            annotation({ id: 'a1', body: 'For me', assignee: ME }),
            annotation({ id: 'a2', body: 'For Bob', assignee: BOB.user, anchors: { rects: [[1, 2, 3, 4]] } }),
            annotation({ id: 'a3', body: 'For nobody', anchors: { rects: [[1, 2, 3, 5]] } }),
          ],
        },
      },
    });
    const threads = await screen.findByRole('list', { name: 'Threads' });
    expect(within(threads).getAllByRole('listitem')).toHaveLength(3);
    expect(threads).toHaveTextContent('Assigned to you');
    await user.click(screen.getByRole('checkbox', { name: 'Assigned to me' }));
    const shown = within(threads).getAllByRole('listitem');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toHaveTextContent('For me');
    await user.click(screen.getByRole('checkbox', { name: 'Assigned to me' }));
    expect(within(threads).getAllByRole('listitem')).toHaveLength(3);
  });

  it('says when the members could not be loaded, and tries again', async () => {
    let failing = true;
    const { user } = renderSidebar({
      [`GET ${LIST_PATH}`]: { body: { results: [annotation({})] } },
      [`GET ${MEMBERS_PATH}`]: () =>
        failing
          ? { status: 503, body: apiError('unavailable', 'Try later.') }
          : { body: { results: [ME_MEMBER, BOB] } },
    });
    const threads = await screen.findByRole('list', { name: 'Threads' });
    await user.click(within(threads).getByRole('button', { name: /You · p\. 1/ }));
    await user.click(within(threads).getByRole('button', { name: 'Assign…' }));
    expect(await within(threads).findByRole('alert')).toHaveTextContent(
      "The team's members could not be loaded.",
    );

    failing = false;
    await user.click(within(threads).getByRole('button', { name: 'Try again' }));
    const picker = within(threads).getByRole('combobox', { name: 'Assignee' });
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(3));
    expect(within(threads).queryByRole('alert')).not.toBeInTheDocument();
  });
});
