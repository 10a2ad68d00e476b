import { z } from 'zod';

/**
 * What an API token may do. `viewer` reads; `deployer` also creates, stops, rolls back, promotes and continues
 * deployments and uploads revisions; `admin` also changes applications, groups, hosts, tokens and backups.
 */
export const Role = z.enum(['admin', 'deployer', 'viewer']);
export type Role = z.infer<typeof Role>;

export type Permission = 'read' | 'deploy' | 'administer';

/** Who is calling: an API token (or the dashboard session made from one). */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  /** Application names the token is limited to; undefined: every application. */
  readonly applications: readonly string[] | undefined;
}

const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  deployer: ['read', 'deploy'],
  admin: ['read', 'deploy', 'administer'],
};

/**
 * Whether `principal` may do `permission`, on `applicationName` when the action concerns one application.
 * A token limited to some applications may act only on those; actions on no application (hosts, tokens) need
 * the role alone, except that administering them needs an unlimited admin.
 */
export function allows(principal: Principal, permission: Permission, applicationName?: string): boolean {
  if (!GRANTS[principal.role].includes(permission)) return false;
  if (principal.applications === undefined) return true;
  if (applicationName !== undefined) return principal.applications.includes(applicationName);
  return permission !== 'administer';
}
