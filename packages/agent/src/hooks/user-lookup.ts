import { runCommand } from '../process/run-command.js';

/** An account from the system user database (passwd via NSS, so LDAP/SSSD users resolve too). */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** getent's exit status for "no such entry". */
const GETENT_NOT_FOUND = 2;

/** Looks a user up by name (or numeric id); undefined when there is no such user. Throws if getent fails. */
export async function lookupUser(name: string): Promise<SystemUser | undefined> {
  const result = await runCommand('getent', ['passwd', '--', name]);
  if (result.exitCode === GETENT_NOT_FOUND) return undefined;
  const entry = result.exitCode === 0 ? parsePasswdLine(result.stdout.split('\n')[0] ?? '') : undefined;
  if (entry === undefined) throw new Error(`cannot look up user ${name} with getent`, { cause: result });
  return entry;
}

/** Parses `name:password:uid:gid:gecos:home:shell`; undefined when the line is not a passwd entry. */
export function parsePasswdLine(line: string): SystemUser | undefined {
  const fields = line.split(':');
  if (fields.length !== 7) return undefined;
  const [name, , uid, gid, , home, shell] = fields as [string, string, string, string, string, string, string];
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home, shell };
}
