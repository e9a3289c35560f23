import type { Role } from '../api/types';

export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'viewer'];

/** Roles an invitation can give; ownership goes only to someone who is already a member. */
export const INVITABLE_ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

const LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', editor: 'Editor', viewer: 'Viewer' };

const DESCRIPTIONS: Record<Role, string> = {
  owner: 'everything, including billing and deleting the team',
  admin: 'manages members and settings',
  editor: 'uploads, annotates and edits their own work',
  viewer: 'reads and comments',
};

export const roleLabel = (role: string) => LABELS[role as Role] ?? role;
export const roleDescription = (role: Role) => DESCRIPTIONS[role];

/** "an admin", "a viewer". */
export function withArticle(role: string) {
  const label = roleLabel(role).toLowerCase();
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}
