import { describe, expect, it } from 'vitest';
import { resolveLinkTarget, type LinkResolution } from './resolve-link.js';

describe('resolveLinkTarget', () => {
  const cases: [string, string[], string, Record<string, string>, LinkResolution][] = [
    ['a sibling', [], 'app/bin', {}, 'inside'],
    ['up from a subdirectory to the root', ['lib'], '../app', {}, 'inside'],
    ['dot segments', ['lib'], './../lib/./x', {}, 'inside'],
    ['the root itself', [], '.', {}, 'inside'],
    ['the root parent', [], '..', {}, 'outside'],
    ['above the root from deep inside', ['a', 'b'], '../../../x', {}, 'outside'],
    ['an absolute target', [], '/etc', {}, 'outside'],
    ['through a link to the root, then up', [], 'b/..', { b: '.' }, 'outside'],
    ['through a nested link that climbs to the root, then up', [], 'sub/link/..', { 'sub/link': '..' }, 'outside'],
    ['through a link to a subdirectory, then up', [], 'b/..', { b: 'x/y' }, 'inside'],
    ['through a link to an absolute path', ['d'], 'abs/file', { 'd/abs': '/etc' }, 'outside'],
    ['a loop', [], 'a', { a: 'b', b: 'a' }, 'loop'],
    ['a dangling target inside', ['x'], 'missing/file', {}, 'inside'],
  ];

  it.each(cases)('%s', (_, fromDir, target, links, expected) => {
    expect(resolveLinkTarget(fromDir, target, new Map(Object.entries(links)))).toBe(expected);
  });
});
