import { describe, expect, it } from 'vitest';
import { resolveUnder } from './rebase.js';

describe('resolveUnder', () => {
  it.each([
    [undefined, '/srv/app', '/srv/app'],
    [undefined, '/srv/app/', '/srv/app'],
    [undefined, '/srv/./app/../web', '/srv/web'],
    ['/tmp/root', '/srv/app', '/tmp/root/srv/app'],
    ['/tmp/root', '/', '/tmp/root'],
    ['/tmp/root', '/srv/../../etc', '/tmp/root/etc'],
    ['/bundle', 'scripts/start.sh', '/bundle/scripts/start.sh'],
    ['/bundle', '../outside', '/bundle/outside'],
  ])('resolves under %s the path %s as %s', (root, appSpecPath, expected) => {
    expect(resolveUnder(root, appSpecPath)).toBe(expected);
  });
});
