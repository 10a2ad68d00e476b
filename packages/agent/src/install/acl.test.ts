import { describe, expect, it } from 'vitest';
import { composeAclSpec } from './acl.js';

describe('composeAclSpec', () => {
  it.each([
    [0o644, [], 'u::rw-,g::r--,o::r--'],
    [0o750, ['u:nobody:rwx'], 'u::rwx,g::r-x,o::---,u:nobody:rwx'],
    [0o100711, ['g:nogroup:r', 'd:u:nobody:rw'], 'u::rwx,g::--x,o::--x,g:nogroup:r,d:u:nobody:rw'],
  ])('gives mode %o with %j the base entries first', (mode, entries, expected) => {
    expect(composeAclSpec(mode, entries)).toBe(expected);
  });
});
