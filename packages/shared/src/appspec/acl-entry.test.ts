import { describe, expect, it } from 'vitest';
import { findAclEntryProblem } from './acl-entry.js';

describe('findAclEntryProblem', () => {
  it.each([
    'u:bob:rw',
    'user:bob:rwx',
    'bob:r',
    'g:devs:r-x',
    'group:devs:5',
    'm::rx',
    'mask:rw',
    'd:u::rwx',
    'default:g::r',
    'd:o::r',
    'd:bob:rw',
    'default:user:bob:rw',
  ])('accepts %s', (entry) => {
    expect(findAclEntryProblem(entry)).toBeUndefined();
  });

  it.each([
    ['u::rw', 'names no user or group'],
    ['g::r', 'names no user or group'],
    ['o::r', 'names no user or group'],
    ['other:r', 'names no user or group'],
    ['m:bob:rw', 'mask entries take no name'],
    ['o:bob:r', 'other entries take no name'],
    ['rw', 'is not a valid ACL entry'],
    ['x:bob:rw', 'is not a valid ACL entry'],
    ['u:bob:rw:x', 'is not a valid ACL entry'],
    ['d:d:u:bob:rw', 'is not a valid ACL entry'],
    ['u:bob:8', 'has invalid permissions "8"'],
    ['u:bob:rwxr', 'has invalid permissions "rwxr"'],
    ['u:bob:', 'has invalid permissions ""'],
  ])('refuses %s', (entry, reason) => {
    expect(findAclEntryProblem(entry)).toContain(reason);
  });
});
