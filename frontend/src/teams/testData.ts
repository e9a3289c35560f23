// Fixtures for the teams tests (imported by *.test.tsx only).
import { TEAM, TEAM_DETAIL, USER } from '../test/fetchStub';

export const MEMBERS_PATH = `/api/v1/teams/${TEAM.id}/members`;
export const INVITATIONS_PATH = `/api/v1/teams/${TEAM.id}/invitations`;

export const ME_MEMBER = {
  id: 'a1a1a1a1-0000-4000-8000-000000000001',
  user: { id: USER.id, name: USER.display_name, email: USER.email },
  role: 'owner' as const,
  joined_at: '2025-01-31T09:30:00Z',
};

export const BOB = {
  id: 'b2b2b2b2-0000-4000-8000-000000000002',
  user: { id: 'b2b2b2b2-1111-4000-8000-000000000002', name: 'Bob Babbage', email: 'bob@example.com' },
  role: 'editor' as const,
  joined_at: '2025-02-01T10:00:00Z',
};

export const CAROL_INVITATION = {
  id: 'c3c3c3c3-0000-4000-8000-000000000003',
  email: 'carol@example.com',
  role: 'viewer' as const,
  status: 'pending' as const,
  invited_by: ME_MEMBER.user,
  created_at: '2025-02-02T10:00:00Z',
  expires_at: '2025-02-09T10:00:00Z',
};

export const LAB = {
  id: '5e5e5e5e-0000-4000-8000-000000000005',
  name: 'Optics Lab',
  slug: 'optics-lab',
  personal: false,
  created_at: '2025-02-01T09:00:00Z',
  role: 'viewer' as const,
};

const VIEWER_PERMISSIONS = [
  'team.view',
  'team.leave',
  'members.view',
  'documents.view',
  'annotations.comment',
];

export const LAB_DETAIL = { ...LAB, seat_limit: 5, seats_used: 3, permissions: VIEWER_PERMISSIONS };

/** The personal TEAM seen as a viewer (for what a viewer may not see). */
export const TEAM_AS_VIEWER = { ...TEAM_DETAIL, role: 'viewer' as const, permissions: VIEWER_PERMISSIONS };

export const TEAM_AS_ADMIN = {
  ...TEAM_DETAIL,
  role: 'admin' as const,
  permissions: TEAM_DETAIL.permissions.filter(
    (p) => !['team.delete', 'team.transfer_ownership', 'members.manage_owners', 'billing.manage'].includes(p),
  ),
};
