/**
 * Hostile JSON for fuzzing trust boundaries: values a careless parser trips on, and mutations of a value that is
 * otherwise well formed (one field dropped, retyped, blown up, or joined by a key no schema expects).
 */
import fc from 'fast-check';

/** A string just past 1 MiB: larger than any JSON body or frame Baton accepts. */
export const OVERSIZED_STRING = 'x'.repeat(1024 * 1024 + 1);

/** Strings that mean something to shells, paths, SQL, logs, URLs and UTF-16. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\n\r\t',
  '../../../etc/passwd',
  '/',
  '%00',
  '%2e%2e%2f',
  "'; DROP TABLE hosts; --",
  '$(reboot)',
  '`id`',
  '${jndi:ldap://127.0.0.1:9/x}',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Egnp.exe',
  '🚀'.repeat(40),
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  'true',
  'null',
  'a'.repeat(5000),
] as const;

const NASTY_NUMBERS = [0, -0, -1, 0.5, -1e-300, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 53) - 2, 2 ** 31, 2 ** 32] as const;

/** Sets `key` as an own property, even `__proto__`, which an assignment would take as the prototype. */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

const withOwnKey = (key: string, value: unknown): Record<string, unknown> => setOwn({}, key, value);

/** A JSON value chosen to be awkward rather than random; strings stay far below any size limit. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...NASTY_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [[[[[]]]]], withOwnKey('__proto__', { admin: true })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
);

type Path = readonly (string | number)[];

/** Every place in a JSON value, the root included, parents before children. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (typeof value === 'object' && value !== null) {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return here;
}

type Mutation =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'add-key'; key: string; value: unknown }
  | { kind: 'wrap-in-array' }
  | { kind: 'stringify' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: hostileValue.map((value): Mutation => ({ kind: 'replace', value })) },
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'v', 'type', 'id'), fc.string({ maxLength: 8 })), hostileValue)
      .map(([key, value]): Mutation => ({ kind: 'add-key', key, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom<Mutation>({ kind: 'wrap-in-array' }, { kind: 'stringify' }) },
);

/** A copy of `value` with one mutation applied at `path`; the input is left alone. */
export function applyMutation(value: unknown, path: Path, change: Mutation): unknown {
  if (path.length === 0) return mutateHere(value, change);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && change.kind === 'delete') copy.splice(head as number, 1);
    else copy[head as number] = applyMutation(copy[head as number], rest, change);
    return copy;
  }
  const copy = withOwnKeys(value as Record<string, unknown>);
  if (rest.length === 0 && change.kind === 'delete') delete copy[head as string];
  else setOwn(copy, head as string, applyMutation(copy[head as string], rest, change));
  return copy;
}

function mutateHere(value: unknown, change: Mutation): unknown {
  switch (change.kind) {
    case 'replace':
      return change.value;
    case 'delete':
      return undefined;
    case 'add-key':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? setOwn(withOwnKeys(value as Record<string, unknown>), change.key, change.value)
        : withOwnKey(change.key, change.value);
    case 'wrap-in-array':
      return [value];
    case 'stringify':
      return JSON.stringify(value) ?? 'undefined';
  }
}

/** A shallow copy that keeps an own `__proto__` key as a key. */
function withOwnKeys(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) setOwn(copy, key, item);
  return copy;
}

/** `base` values with one to three mutations each. */
export function mutated(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const once = (value: unknown) =>
    fc.tuple(fc.constantFrom(...pathsOf(value)), mutation).map(([path, change]) => applyMutation(value, path, change));
  return fc
    .tuple(base, fc.integer({ min: 1, max: 3 }))
    .chain(([value, times]) => Array.from({ length: times - 1 }).reduce<fc.Arbitrary<unknown>>((arb) => arb.chain(once), once(value)));
}
