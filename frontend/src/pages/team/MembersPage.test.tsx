import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TEAM, TEAM_DETAIL, apiError, signedInRoutes, stubFetch } from '../../test/fetchStub';
import { renderApp } from '../../test/render';
import {
  BOB,
  CAROL_INVITATION,
  INVITATIONS_PATH,
  ME_MEMBER,
  MEMBERS_PATH,
  TEAM_AS_ADMIN,
  TEAM_AS_VIEWER,
} from '../../teams/testData';

const PAGE = `/t/${TEAM.id}/members`;

/** The signed-in USER (as TEAM's owner unless `detail` says otherwise), with BOB and a pending invitation. */
function routes(detail: object = TEAM_DETAIL) {
  return {
    ...signedInRoutes(detail),
    [`GET ${MEMBERS_PATH}`]: { body: { results: [ME_MEMBER, BOB] } },
    [`GET ${INVITATIONS_PATH}`]: { body: { results: [CAROL_INVITATION] } },
  };
}

describe('MembersPage', () => {
  beforeEach(() => {
    localStorage.clear();
    document.cookie = 'csrftoken=t';
  });

  it('lists members with their roles, seats and pending invitations', async () => {
    stubFetch(routes());
    renderApp(PAGE);

    expect(await screen.findByRole('heading', { name: 'Members' })).toBeInTheDocument();
    expect(screen.getByText('1 seat used, no limit')).toBeInTheDocument();
    const bobRow = (await screen.findByRole('rowheader', { name: /Bob Babbage/ })).closest('tr')!;
    expect(within(bobRow).getByRole('combobox', { name: 'Role of Bob Babbage' })).toHaveValue('editor');
    expect(within(bobRow).getByRole('button', { name: 'Remove Bob Babbage' })).toBeInTheDocument();

    const myRow = screen.getByRole('rowheader', { name: /\(you\)/ }).closest('tr')!;
    expect(within(myRow).queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();

    const invitations = screen.getByRole('region', { name: 'Pending invitations' });
    expect(within(invitations).getByRole('rowheader', { name: 'carol@example.com' })).toBeInTheDocument();
  });

  it('changes a role and announces it', async () => {
    const requests = stubFetch({
      ...routes(),
      [`PATCH ${MEMBERS_PATH}/${BOB.id}`]: { body: { ...BOB, role: 'viewer' } },
    });
    const { user } = renderApp(PAGE);

    const select = await screen.findByRole('combobox', { name: 'Role of Bob Babbage' });
    expect(within(select).getByRole('option', { name: 'Owner' })).toBeInTheDocument();
    await user.selectOptions(select, 'viewer');
    await user.click(screen.getByRole('button', { name: 'Save role' }));

    expect(await screen.findByText('Bob Babbage is now a viewer.')).toHaveAttribute('role', 'status');
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ role: 'viewer' });
    expect(select).toHaveFocus();
  });

  it("shows the server's refusal when the last owner tries to step down", async () => {
    const detail = 'This is the last owner of Ada Lovelace. Make another member an owner first.';
    stubFetch({
      ...routes(),
      [`PATCH ${MEMBERS_PATH}/${ME_MEMBER.id}`]: { status: 409, body: apiError('last_owner', detail) },
    });
    const { user } = renderApp(PAGE);

    const select = await screen.findByRole('combobox', { name: 'Role of Ada Lovelace' });
    await user.selectOptions(select, 'viewer');
    await user.click(screen.getByRole('button', { name: 'Save role' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(detail);
    // Nothing changed: the role shown is the actual one again, with nothing left to save.
    expect(select).toHaveValue('owner');
    expect(screen.queryByRole('button', { name: 'Save role' })).not.toBeInTheDocument();
    expect(select).toHaveFocus();
  });

  it('removes a member after confirmation and announces it like a role change', async () => {
    let removed = false;
    stubFetch({
      ...routes(),
      // The list reloads after the removal; Bob's row is gone before it answers (as over a network).
      [`GET ${MEMBERS_PATH}`]: async () => {
        if (removed) await new Promise((resolve) => setTimeout(resolve, 50));
        return { body: { results: removed ? [ME_MEMBER] : [ME_MEMBER, BOB] } };
      },
      [`DELETE ${MEMBERS_PATH}/${BOB.id}`]: () => {
        removed = true;
        return { status: 204 };
      },
    });
    const { user } = renderApp(PAGE);

    await user.click(await screen.findByRole('button', { name: 'Remove Bob Babbage' }));
    const confirm = screen.getByRole('group', { name: 'Remove Bob Babbage?' });
    await user.click(within(confirm).getByRole('button', { name: 'Yes, remove' }));

    expect(await screen.findByText(`Bob Babbage was removed from ${TEAM.name}.`)).toHaveAttribute(
      'role',
      'status',
    );
    expect(screen.queryByRole('rowheader', { name: /Bob Babbage/ })).not.toBeInTheDocument();
  });

  it('hides owner-only roles from an admin and lets them not touch owners', async () => {
    stubFetch(routes(TEAM_AS_ADMIN));
    renderApp(PAGE);

    const select = await screen.findByRole('combobox', { name: 'Role of Bob Babbage' });
    expect(within(select).queryByRole('option', { name: 'Owner' })).not.toBeInTheDocument();
    // Ada is an owner: an admin sees her role as text only.
    expect(screen.queryByRole('combobox', { name: 'Role of Ada Lovelace' })).not.toBeInTheDocument();
  });

  it('shows a viewer the list only: no invite, no role controls, no invitations', async () => {
    const requests = stubFetch(routes(TEAM_AS_VIEWER));
    renderApp(PAGE);

    expect(await screen.findByRole('rowheader', { name: /Bob Babbage/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Invite someone' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Pending invitations' })).not.toBeInTheDocument();
    expect(requests.some((r) => r.path === INVITATIONS_PATH)).toBe(false);
  });

  describe('invite dialog', () => {
    it('invites by e-mail and role, then announces it', async () => {
      const requests = stubFetch({
        ...routes(),
        [`POST ${INVITATIONS_PATH}`]: {
          status: 201,
          body: { ...CAROL_INVITATION, id: 'new', email: 'dan@example.com', role: 'editor' },
        },
      });
      const { user } = renderApp(PAGE);

      const open = await screen.findByRole('button', { name: 'Invite someone' });
      await user.click(open);
      const dialog = screen.getByRole('dialog', { name: 'Invite someone to Ada Lovelace' });
      expect(dialog).toHaveAttribute('aria-modal', 'true');
      expect(within(dialog).getByText(/1 seat used, no limit/)).toBeInTheDocument();
      expect(within(dialog).getByLabelText('Email')).toHaveFocus();

      await user.type(within(dialog).getByLabelText('Email'), 'dan@example.com');
      await user.selectOptions(within(dialog).getByLabelText('Role'), 'editor');
      await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

      expect(await screen.findByText('Invitation sent to dan@example.com.')).toBeInTheDocument();
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
        email: 'dan@example.com',
        role: 'editor',
      });
      expect(open).toHaveFocus();
    });

    // Both refusals name the e-mail field (teams/services.py), so both sit under it, with no banner.
    it.each([
      [
        'already_invited',
        'carol@example.com has a pending invitation already.',
        'This address has a pending invitation.',
      ],
      [
        'already_member',
        'bob@example.com is already a member of this team.',
        'This address is already a member of the team.',
      ],
    ])('shows %s from the server next to the field', async (code, detail, message) => {
      stubFetch({
        ...routes(),
        [`POST ${INVITATIONS_PATH}`]: { status: 409, body: apiError(code, detail, { email: [message] }) },
      });
      const { user } = renderApp(PAGE);

      await user.click(await screen.findByRole('button', { name: 'Invite someone' }));
      const dialog = screen.getByRole('dialog');
      const email = within(dialog).getByLabelText('Email');
      await user.type(email, 'carol@example.com');
      await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

      expect(await within(dialog).findByText(message)).toBeInTheDocument();
      expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
      expect(email).toHaveAttribute('aria-invalid', 'true');
      expect(email).toHaveFocus();
    });

    it('shows a refusal without a field, such as a full team', async () => {
      stubFetch({
        ...routes(),
        [`POST ${INVITATIONS_PATH}`]: {
          status: 409,
          body: apiError('seat_limit_reached', 'All 5 seats of this team are taken.'),
        },
      });
      const { user } = renderApp(PAGE);

      await user.click(await screen.findByRole('button', { name: 'Invite someone' }));
      const dialog = screen.getByRole('dialog');
      await user.type(within(dialog).getByLabelText('Email'), 'erin@example.com');
      await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'All 5 seats of this team are taken.',
      );
    });

    it('closes on Escape and returns focus to the button that opened it', async () => {
      stubFetch(routes());
      const { user } = renderApp(PAGE);

      const open = await screen.findByRole('button', { name: 'Invite someone' });
      await user.click(open);
      expect(screen.getByRole('dialog')).toBeInTheDocument();
      await user.keyboard('{Escape}');
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      expect(open).toHaveFocus();
    });
  });

  describe('pending invitations', () => {
    it('resends an invitation', async () => {
      const requests = stubFetch({
        ...routes(),
        [`POST ${INVITATIONS_PATH}/${CAROL_INVITATION.id}/resend`]: { body: CAROL_INVITATION },
      });
      const { user } = renderApp(PAGE);

      await user.click(
        await screen.findByRole('button', { name: 'Resend the invitation to carol@example.com' }),
      );
      expect(await screen.findByText('Invitation sent again to carol@example.com.')).toBeInTheDocument();
      expect(requests.filter((r) => r.path.endsWith('/resend'))).toHaveLength(1);
    });

    it("revokes an invitation, and shows the server's refusal when it was already used", async () => {
      stubFetch({
        ...routes(),
        [`DELETE ${INVITATIONS_PATH}/${CAROL_INVITATION.id}`]: {
          status: 409,
          body: apiError('invitation_used', 'This invitation has already been used.'),
        },
      });
      const { user } = renderApp(PAGE);

      await user.click(
        await screen.findByRole('button', { name: 'Revoke the invitation to carol@example.com' }),
      );
      await user.click(screen.getByRole('button', { name: 'Yes, revoke' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('This invitation has already been used.');
    });
  });
});
