/**
 * Validation of one `permissions[].acls` entry, in setfacl's short form:
 * `[d[efault]:][u[ser]:]name:perms`, `[d[efault]:]g[roup]:name:perms`, `[d[efault]:]m[ask]:[:]perms`,
 * `[d[efault]:]o[ther]:[:]perms`; perms are `r`, `w`, `x`, `-` (up to three) or one octal digit.
 *
 * As in the reference agent, an access entry must name a user or group: the unnamed base entries (`u::rw`,
 * `g::r`, `o::r`) duplicate what `mode` sets, so they are refused. Default entries may be unnamed.
 */
import { describeValue } from './describe-value.js';

type AclEntryType = 'user' | 'group' | 'mask' | 'other';

const TYPE_TOKENS: Readonly<Record<string, AclEntryType>> = {
  u: 'user',
  user: 'user',
  g: 'group',
  group: 'group',
  m: 'mask',
  mask: 'mask',
  o: 'other',
  other: 'other',
};

const PERMS = /^(?:[0-7]|[rwx-]{1,3})$/;

type AclEntry = { isDefault: boolean; type: AclEntryType; name: string; perms: string };

/** Splits an entry into its parts, or returns undefined when it does not have the shape of one. */
function splitAclEntry(entry: string): AclEntry | undefined {
  const parts = entry.split(':');
  const isDefault = parts.length > 2 && (parts[0] === 'd' || parts[0] === 'default');
  const rest = isDefault ? parts.slice(1) : parts;
  if (rest.length === 3) {
    const [typeToken = '', name = '', perms = ''] = rest;
    const type = TYPE_TOKENS[typeToken];
    return type === undefined ? undefined : { isDefault, type, name, perms };
  }
  if (rest.length === 2) {
    // `m:rw` and `o:r` name the type; anything else (`bob:rw`) is a user name.
    const [token = '', perms = ''] = rest;
    const type = TYPE_TOKENS[token];
    return type === 'mask' || type === 'other'
      ? { isDefault, type, name: '', perms }
      : { isDefault, type: 'user', name: token, perms };
  }
  return undefined;
}

/** The reason an ACL entry is refused, or undefined when it is acceptable. */
export function findAclEntryProblem(entry: string): string | undefined {
  const parsed = splitAclEntry(entry);
  if (parsed === undefined) return `"${describeValue(entry)}" is not a valid ACL entry`;
  const { isDefault, type, name, perms } = parsed;
  if ((type === 'mask' || type === 'other') && name !== '') return `"${describeValue(entry)}": ${type} entries take no name`;
  if (!isDefault && type !== 'mask' && name === '') {
    return `"${describeValue(entry)}" names no user or group; set base permissions with mode instead`;
  }
  if (!PERMS.test(perms)) return `"${describeValue(entry)}" has invalid permissions "${describeValue(perms)}"`;
  return undefined;
}
