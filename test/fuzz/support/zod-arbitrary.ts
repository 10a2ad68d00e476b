/**
 * Values shaped by a zod schema, for fuzzing: `arbitraryFor(schema)` walks the schema's definition and builds a
 * fast-check arbitrary of the *input* it expects (a pipe's input side, a default's inner type). It aims at valid
 * values but promises none: refinements and custom checks are not solved, so a caller that needs valid values
 * keeps those the schema accepts. URLs point at a closed loopback port, so nothing a fuzzed value names is
 * ever fetched from the network.
 */
import fc from 'fast-check';
import type { z } from 'zod';

export interface ArbitraryOptions {
  /** Schemas (by identity) whose values the walker cannot guess, such as a `z.custom` check. */
  readonly overrides?: ReadonlyMap<z.ZodType, fc.Arbitrary<unknown>>;
  /** Mixed into every string without a format: names that mean something to the system under test. */
  readonly strings?: fc.Arbitrary<string>;
}

/** Deeper than this, a recursive (lazy) schema yields null rather than recurse further. */
const MAX_DEPTH = 8;
/** Collections stay small: a fuzz case is about shape, not volume. */
const MAX_ITEMS = 4;

type Check = { check?: string; format?: string; pattern?: RegExp; minimum?: number; maximum?: number; length?: number; value?: number; inclusive?: boolean };
type Def = Check & {
  type: string;
  checks?: readonly { _zod: { def: Check } }[];
  [key: string]: unknown;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isOptional = (schema: z.ZodType): boolean => (schema as unknown as { _zod: { optin?: string } })._zod.optin === 'optional';

/** A URL no test server listens on: fetching it fails at once. */
export const closedLoopbackUrl: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('http', 'https'), fc.stringMatching(/^[a-z0-9/._-]{0,12}$/))
  .map(([scheme, path]) => `${scheme}://127.0.0.1:9/${path}`);

const isoTime: fc.Arbitrary<string> = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

export function arbitraryFor(schema: z.ZodType, options: ArbitraryOptions = {}, depth = 0): fc.Arbitrary<unknown> {
  const override = options.overrides?.get(schema);
  if (override) return override;
  if (depth > MAX_DEPTH) return fc.constant(null);
  const inner = (child: unknown) => arbitraryFor(child as z.ZodType, options, depth + 1);
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringFor(def, options.strings);
    case 'number':
      return numberFor(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'literal':
      return fc.constantFrom(...(def.values as readonly unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const keys = Object.keys(shape);
      const model = Object.fromEntries(keys.map((key) => [key, inner(shape[key])]));
      return fc.record(model, { requiredKeys: keys.filter((key) => !isOptional(shape[key]!)) });
    }
    case 'array':
      return fc.array(inner(def.element), lengthsOf(def));
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map(inner));
    case 'record': {
      const keyDef = defOf(def.keyType as z.ZodType);
      // A record keyed by an enum is exhaustive: every key must be there.
      if (keyDef.type === 'enum') {
        const keys = Object.values(keyDef.entries as Record<string, string>);
        return fc.record(Object.fromEntries(keys.map((key) => [key, inner(def.valueType)])));
      }
      return fc.dictionary(inner(def.keyType) as fc.Arbitrary<string>, inner(def.valueType), { maxKeys: MAX_ITEMS });
    }
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'intersection':
      return fc.tuple(inner(def.left), inner(def.right)).map(([left, right]) => mergeValues(left, right));
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner(def.innerType);
    case 'nullable':
      return fc.oneof(inner(def.innerType), fc.constant(null));
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return fc.constant(undefined).chain(() => inner((def.getter as () => unknown)()));
    default:
      // unknown, any, custom and the rest: any JSON value.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const mergeValues = (left: unknown, right: unknown): unknown =>
  typeof left === 'object' && left !== null && typeof right === 'object' && right !== null ? { ...left, ...right } : right;

function checksOf(def: Def): Check[] {
  const own = def.check === undefined ? [] : [def];
  return [...own, ...(def.checks ?? []).map((check) => check._zod.def)];
}

function lengthsOf(def: Def): { minLength: number; maxLength: number } {
  let minLength = 0;
  let maxLength = Number.POSITIVE_INFINITY;
  for (const check of checksOf(def)) {
    if (check.check === 'min_length') minLength = check.minimum ?? 0;
    if (check.check === 'max_length') maxLength = check.maximum ?? maxLength;
    if (check.check === 'length_equals') minLength = maxLength = check.length ?? 0;
  }
  return { minLength, maxLength: Math.min(maxLength, minLength + (def.type === 'array' ? MAX_ITEMS : 24)) };
}

function stringFor(def: Def, extra: fc.Arbitrary<string> | undefined): fc.Arbitrary<string> {
  const format = checksOf(def).find((check) => check.check === 'string_format');
  const { minLength, maxLength } = lengthsOf(def);
  switch (format?.format) {
    case 'url':
      return closedLoopbackUrl;
    case 'datetime':
      return isoTime;
    case 'email':
      return fc.emailAddress();
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case undefined:
      return extra ? fc.oneof(fc.string({ minLength, maxLength }), extra) : fc.string({ minLength, maxLength });
    default:
      // regex and the other pattern formats: a string the pattern matches.
      return format?.pattern ? fc.stringMatching(format.pattern) : fc.string({ minLength, maxLength });
  }
}

function numberFor(def: Def): fc.Arbitrary<number> {
  let min: number | undefined;
  let max: number | undefined;
  let integer = false;
  for (const check of checksOf(def)) {
    if (check.check === 'number_format') integer = check.format === 'safeint' || check.format?.startsWith('int') === true;
    if (check.check === 'greater_than') min = (check.value ?? 0) + (check.inclusive ? 0 : integer ? 1 : Number.EPSILON);
    if (check.check === 'less_than') max = (check.value ?? 0) - (check.inclusive ? 0 : integer ? 1 : Number.EPSILON);
  }
  if (integer) return fc.integer({ min: Math.ceil(min ?? -1_000_000), max: Math.floor(max ?? 1_000_000) });
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true });
}
