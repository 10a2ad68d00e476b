import { describe, expect, it } from 'vitest';
import { lookupId } from './user-database.js';

describe('lookupId', () => {
  it.each([
    ['passwd', 'root', 0],
    ['passwd', 'nobody', 65534],
    ['group', 'nogroup', 65534],
    ['passwd', 'no-such-user-baton', undefined],
    ['group', 'no-such-group-baton', undefined],
  ] as const)('resolves %s %s to %s', async (database, name, expected) => {
    expect(await lookupId(database, name)).toBe(expected);
  });
});
