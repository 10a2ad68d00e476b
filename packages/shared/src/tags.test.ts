import { describe, expect, it } from 'vitest';
import {
  matchesFilter,
  matchesSelector,
  parseTagFlag,
  parseTagGroupFlag,
  validateHostSelector,
  type HostSelector,
  type TagFilter,
} from './tags.js';

const web = { env: 'prod', role: 'web', note: '' };
const db = { env: 'staging', role: 'db' };
const untagged = {};

const keyOnly = (key: string): TagFilter => ({ key, type: 'KEY_ONLY' });
const valueOnly = (value: string): TagFilter => ({ value, type: 'VALUE_ONLY' });
const keyAndValue = (key: string, value: string): TagFilter => ({ key, value, type: 'KEY_AND_VALUE' });
const filters = (...tagFilters: TagFilter[]): HostSelector => ({ tagFilters, tagSet: [] });
const tagSet = (...groups: TagFilter[][]): HostSelector => ({ tagFilters: [], tagSet: groups });

describe('matchesFilter', () => {
  it.each([
    [keyOnly('role'), web, true],
    [keyOnly('note'), web, true],
    [keyOnly('zone'), web, false],
    [keyOnly('prod'), web, false],
    [valueOnly('prod'), web, true],
    [valueOnly(''), web, true],
    [valueOnly('env'), web, false],
    [valueOnly('prod'), db, false],
    [keyAndValue('env', 'prod'), web, true],
    [keyAndValue('note', ''), web, true],
    [keyAndValue('env', 'prod'), db, false],
    [keyAndValue('role', 'prod'), web, false],
    [keyAndValue('zone', ''), web, false],
    [keyOnly('constructor'), untagged, false],
  ])('%j on %j: %s', (filter, tags, expected) => {
    expect(matchesFilter(tags, filter)).toBe(expected);
  });
});

describe('matchesSelector', () => {
  it('selects no host with an empty selector', () => {
    expect([web, db, untagged].map((tags) => matchesSelector(tags, filters()))).toEqual([false, false, false]);
  });

  it('selects a host that matches any filter of a flat list', () => {
    const selector = filters(keyAndValue('role', 'web'), valueOnly('staging'));
    expect([web, db, untagged].map((tags) => matchesSelector(tags, selector))).toEqual([true, true, false]);
  });

  it('selects a host only when every tag set group has a match', () => {
    const selector = tagSet([keyAndValue('env', 'prod'), keyAndValue('env', 'staging')], [keyAndValue('role', 'web')]);
    expect([web, db, untagged].map((tags) => matchesSelector(tags, selector))).toEqual([true, false, false]);
  });

  it('needs a match in each of three groups', () => {
    const groups = [[keyOnly('env')], [keyOnly('role')], [keyOnly('note')]];
    expect(matchesSelector(web, tagSet(...groups))).toBe(true);
    expect(matchesSelector(db, tagSet(...groups))).toBe(false);
  });

  it('treats a flat list set together with a tag set as one more group, selecting fewer hosts', () => {
    const selector: HostSelector = { tagFilters: [valueOnly('staging')], tagSet: [[keyOnly('role')]] };
    expect([web, db].map((tags) => matchesSelector(tags, selector))).toEqual([false, true]);
  });
});

describe('validateHostSelector', () => {
  it.each([
    [{}, { tagFilters: [], tagSet: [] }],
    [{ tagFilters: [{ key: 'env', type: 'KEY_ONLY' }] }, filters(keyOnly('env'))],
    [
      { tagSet: [[{ value: 'prod', type: 'VALUE_ONLY' }], [{ key: 'a', value: '', type: 'KEY_AND_VALUE' }]] },
      tagSet([valueOnly('prod')], [keyAndValue('a', '')]),
    ],
  ])('accepts %j', (input, selector) => {
    expect(validateHostSelector(input)).toEqual({ ok: true, value: selector });
  });

  it.each([
    [{ tagFilters: [{ value: 'x', type: 'KEY_ONLY' }] }, 'tagFilters.0.key: a KEY_ONLY filter needs a key'],
    [{ tagFilters: [{ key: 'x', type: 'VALUE_ONLY' }] }, 'tagFilters.0.value: a VALUE_ONLY filter needs a value'],
    [{ tagFilters: [{ key: 'x', type: 'KEY_AND_VALUE' }] }, 'tagFilters.0.value: a KEY_AND_VALUE filter needs a value'],
    [{ tagFilters: [{ key: '', type: 'KEY_ONLY' }] }, 'tagFilters.0.key: a tag key cannot be empty'],
    [{ tagFilters: [{ key: 'x', type: 'PREFIX' }] }, 'tagFilters.0.type'],
    [{ tagSet: [[keyOnly('a')], [], [keyOnly('b')]] }, 'tagSet.1: a tag set group needs at least one filter'],
    [{ tagSet: ['a', 'b', 'c', 'd'].map((key) => [keyOnly(key)]) }, 'tagSet: a tag set has at most 3 groups'],
    [{ tagFilters: [keyOnly('a')], tagSet: [[keyOnly('b')]] }, 'use tagFilters or tagSet, not both'],
    ['env=prod', 'expected object'],
    [null, 'expected object'],
  ])('refuses %j', (input, reason) => {
    const result = validateHostSelector(input);
    expect(result.ok ? undefined : result.error).toContain(reason);
  });
});

describe('parseTagFlag', () => {
  it.each([
    ['env=prod', keyAndValue('env', 'prod')],
    ['env=', keyAndValue('env', '')],
    ['url=a=b', keyAndValue('url', 'a=b')],
    ['env', keyOnly('env')],
    ['=prod', valueOnly('prod')],
  ])('reads %j', (flag, filter) => {
    expect(parseTagFlag(flag)).toEqual({ ok: true, value: filter });
  });

  it.each([
    ['', 'expected key=value, key or =value'],
    ['=', 'expected key=value, key or =value'],
    [`${'k'.repeat(129)}=v`, 'a tag key has at most 128 characters'],
    [`k=${'v'.repeat(257)}`, 'a tag value has at most 256 characters'],
  ])('refuses %j', (flag, reason) => {
    const result = parseTagFlag(flag);
    expect(result.ok ? undefined : result.error).toContain(reason);
  });
});

describe('parseTagGroupFlag', () => {
  it('reads comma-separated filters, dropping blanks around each', () => {
    expect(parseTagGroupFlag('env=prod, role ,=blue')).toEqual({
      ok: true,
      value: [keyAndValue('env', 'prod'), keyOnly('role'), valueOnly('blue')],
    });
  });

  it('reads a single filter', () => {
    expect(parseTagGroupFlag('role')).toEqual({ ok: true, value: [keyOnly('role')] });
  });

  it.each([['env=prod,,role'], ['env=prod,'], ['']])('refuses %j, which holds an empty filter', (flag) => {
    const result = parseTagGroupFlag(flag);
    expect(result.ok ? undefined : result.error).toContain('expected key=value, key or =value');
  });
});
