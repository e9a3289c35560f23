import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEAM, USER, apiError, signedInRoutes, stubFetch } from '../../test/fetchStub';
import { renderApp } from '../../test/render';
import { BOB, TEAM_AS_VIEWER } from '../../teams/testData';

const PAGE = `/t/${TEAM.id}/audit-log`;
const LOG = `/api/v1/teams/${TEAM.id}/audit-log`;
const ADA = { id: USER.id, name: USER.display_name, email: USER.email };

const event = (id: string, action: string, data: object, target_user: typeof ADA | null = null) => ({
  id,
  action,
  created_at: '2025-02-03T10:00:00Z',
  actor: ADA,
  target_user,
  data,
});

const FIRST_PAGE = {
  next: `http://testserver${LOG}?cursor=cD0yMDI1`,
  previous: null,
  results: [
    event('e1', 'member.role_changed', { from: 'editor', to: 'viewer' }, BOB.user),
    event('e2', 'member.invited', { email: 'carol@example.com', role: 'admin' }),
    event('e3', 'team.updated', { name: { from: 'Lab', to: 'Optics Lab' } }),
  ],
};

const SECOND_PAGE = {
  next: null,
  previous: `http://testserver${LOG}?cursor=cj0x`,
  results: [{ ...event('e4', 'team.created', { name: 'Lab', personal: false }), actor: null }],
};

describe('AuditLogPage', () => {
  beforeEach(() => localStorage.clear());

  it('lists events in words and loads older ones with the cursor', async () => {
    const requests = stubFetch({
      ...signedInRoutes(),
      [`GET ${LOG}`]: { body: FIRST_PAGE },
      [`GET ${LOG}?cursor=cD0yMDI1`]: { body: SECOND_PAGE },
    });
    const { user } = renderApp(PAGE);

    const roleChange = (await screen.findByText('Changed role from Editor to Viewer')).closest('tr')!;
    expect(within(roleChange).getByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(roleChange).getByText('Bob Babbage')).toBeInTheDocument();
    expect(screen.getByText('Invited as an admin')).toBeInTheDocument();
    expect(screen.getByText('carol@example.com')).toBeInTheDocument();
    expect(screen.getByText('from “Lab” to “Optics Lab”')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    const created = (await screen.findByText('Created the team')).closest('tr')!;
    expect(within(created).getByText('A deleted account')).toBeInTheDocument();
    expect(created).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(screen.getByText("That's everything.")).toBeInTheDocument();
    expect(requests.map((r) => r.path)).toContain(`${LOG}?cursor=cD0yMDI1`);
  });

  it('words an action it does not know from its name', async () => {
    stubFetch({
      ...signedInRoutes(),
      [`GET ${LOG}`]: {
        body: { next: null, previous: null, results: [event('e9', 'billing.plan_changed', {})] },
      },
    });
    renderApp(PAGE);
    expect(await screen.findByText('Billing plan changed')).toBeInTheDocument();
  });

  it('names the documents that were uploaded, renamed, replaced and deleted', async () => {
    const documents = [
      event('d1', 'document.uploaded', { document_id: 'x', title: 'On light', size: 10 }),
      event('d2', 'document.version_uploaded', { document_id: 'x', title: 'On light', version: 2, size: 9 }),
      event('d3', 'document.renamed', { document_id: 'x', from: 'On light', to: 'On light, revised' }),
      event('d4', 'document.deleted', { document_id: 'x', title: 'On light, revised' }),
    ];
    stubFetch({
      ...signedInRoutes(),
      [`GET ${LOG}`]: { body: { next: null, previous: null, results: documents } },
    });
    renderApp(PAGE);

    const row = async (action: string) => (await screen.findByText(action)).closest('tr')!;
    expect(await row('Uploaded a document')).toHaveTextContent('“On light”');
    expect(await row('Uploaded version 2 of')).toHaveTextContent('“On light”');
    expect(await row('Renamed a document')).toHaveTextContent('from “On light” to “On light, revised”');
    expect(await row('Deleted a document')).toHaveTextContent('“On light, revised”');
  });

  it("shows the server's error when a page cannot be loaded", async () => {
    stubFetch({
      ...signedInRoutes(),
      [`GET ${LOG}`]: { body: FIRST_PAGE },
      [`GET ${LOG}?cursor=cD0yMDI1`]: {
        status: 400,
        body: apiError('invalid', 'Invalid cursor'),
      },
    });
    const { user } = renderApp(PAGE);
    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid cursor');
    expect(screen.getByText('Changed role from Editor to Viewer')).toBeInTheDocument();
  });

  it("sends a role without the audit log to the team's library", async () => {
    const requests = stubFetch(signedInRoutes(TEAM_AS_VIEWER));
    renderApp(PAGE);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(`/t/${TEAM.id}/library`));
    expect(requests.some((r) => r.path.startsWith(LOG))).toBe(false);
  });
});
