import { runCommand } from '../process/run-command.js';

export type UserDatabase = 'passwd' | 'group';

/**
 * Resolves a user (passwd) or group name to its numeric id through the system's name service (getent), so
 * users from LDAP or SSSD resolve as they do for `chown`. A numeric name resolves only if the id exists.
 * Undefined when there is no such entry.
 */
export async function lookupId(database: UserDatabase, name: string): Promise<number | undefined> {
  const result = await runCommand('getent', [database, name]);
  // getent exits 2 for "no such key"; anything else non-zero is a broken name service.
  if (result.exitCode === 2) return undefined;
  if (result.exitCode !== 0) throw new Error(`getent ${database} ${name} failed: ${result.stderr}`, { cause: result });
  const id = Number(result.stdout.split('\n')[0]?.split(':')[2]);
  if (!Number.isInteger(id)) throw new Error(`getent ${database} ${name} printed no id: ${result.stdout}`);
  return id;
}
