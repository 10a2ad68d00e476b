/**
 * Host selection by tags (reference section 7). A flat list of filters selects a host that matches any
 * of them; a tag set (up to three groups) selects a host that matches at least one filter in every group.
 */
import { z } from 'zod';
import { assertNever, err, ok, type Result } from './result.js';

export const TagFilterType = z.enum(['KEY_ONLY', 'VALUE_ONLY', 'KEY_AND_VALUE']);
export type TagFilterType = z.infer<typeof TagFilterType>;

/** `key` is required by KEY_ONLY and KEY_AND_VALUE, `value` by VALUE_ONLY and KEY_AND_VALUE. */
export const TagFilter = z
  .object({
    key: z.string().min(1, 'a tag key cannot be empty').max(128, 'a tag key has at most 128 characters').optional(),
    value: z.string().max(256, 'a tag value has at most 256 characters').optional(),
    type: TagFilterType,
  })
  .superRefine((filter, ctx) => {
    if (filter.type !== 'VALUE_ONLY' && filter.key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: `a ${filter.type} filter needs a key` });
    }
    if (filter.type !== 'KEY_ONLY' && filter.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${filter.type} filter needs a value` });
    }
  });
export type TagFilter = z.infer<typeof TagFilter>;

export const MAX_TAG_SET_GROUPS = 3;

/** Use `tagFilters` or `tagSet`, not both; a selector with neither selects no host. */
export const HostSelector = z
  .object({
    tagFilters: z.array(TagFilter).default([]),
    tagSet: z
      .array(z.array(TagFilter).min(1, 'a tag set group needs at least one filter'))
      .max(MAX_TAG_SET_GROUPS, `a tag set has at most ${MAX_TAG_SET_GROUPS} groups`)
      .default([]),
  })
  .refine((selector) => selector.tagFilters.length === 0 || selector.tagSet.length === 0, {
    error: 'use tagFilters or tagSet, not both',
  });
export type HostSelector = z.infer<typeof HostSelector>;

export function validateHostSelector(input: unknown): Result<HostSelector, string> {
  const parsed = HostSelector.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const [issue] = parsed.error.issues;
  if (issue === undefined) return err('invalid host selector');
  return err(`${issue.path.join('.') || '(selector)'}: ${issue.message}`);
}

export function matchesFilter(tags: Readonly<Record<string, string>>, filter: TagFilter): boolean {
  switch (filter.type) {
    case 'KEY_ONLY':
      return filter.key !== undefined && Object.hasOwn(tags, filter.key);
    case 'VALUE_ONLY':
      return filter.value !== undefined && Object.values(tags).includes(filter.value);
    case 'KEY_AND_VALUE':
      return filter.key !== undefined && Object.hasOwn(tags, filter.key) && tags[filter.key] === filter.value;
    default:
      return assertNever(filter.type, 'tag filter type');
  }
}

/**
 * Whether a host with these tags is selected. Each non-empty group (the flat list counts as one) needs a
 * matching filter, so a selector that sets both, which validation refuses, selects fewer hosts, not more.
 */
export function matchesSelector(tags: Readonly<Record<string, string>>, selector: HostSelector): boolean {
  const groups = [selector.tagFilters, ...selector.tagSet].filter((group) => group.length > 0);
  return groups.length > 0 && groups.every((group) => group.some((filter) => matchesFilter(tags, filter)));
}

/**
 * Reads a CLI tag flag: `k=v` is KEY_AND_VALUE (`k=` matches an empty value), `k` KEY_ONLY, `=v` VALUE_ONLY.
 * The first `=` separates key from value, so a value may itself hold `=`.
 */
export function parseTagFlag(flag: string): Result<TagFilter, string> {
  if (flag === '' || flag === '=') return err(`invalid tag filter "${flag}": expected key=value, key or =value`);
  const separator = flag.indexOf('=');
  const key = separator === -1 ? flag : flag.slice(0, separator);
  const value = separator === -1 ? undefined : flag.slice(separator + 1);
  const candidate =
    value === undefined
      ? { key, type: 'KEY_ONLY' }
      : key === ''
        ? { value, type: 'VALUE_ONLY' }
        : { key, value, type: 'KEY_AND_VALUE' };
  const parsed = TagFilter.safeParse(candidate);
  return parsed.success ? ok(parsed.data) : err(`invalid tag filter "${flag}": ${parsed.error.issues[0]?.message}`);
}

/**
 * Reads one tag set group: comma-separated tag flags (`env=prod, role`). Blanks around each flag are
 * dropped; keys and values cannot hold commas.
 */
export function parseTagGroupFlag(flag: string): Result<TagFilter[], string> {
  const filters: TagFilter[] = [];
  for (const part of flag.split(',')) {
    const filter = parseTagFlag(part.trim());
    if (!filter.ok) return filter;
    filters.push(filter.value);
  }
  return ok(filters);
}
