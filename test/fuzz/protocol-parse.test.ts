/**
 * Fuzzing the protocol's edge: `parseAgentMessage` (the coordinator reading an agent) and
 * `parseCoordinatorMessage` (an agent reading the coordinator) take any text a peer sends. They never throw;
 * a valid message survives encoding; anything they accept is a message of the protocol's version that
 * encodes back to itself.
 */
import {
  AgentMessage,
  CoordinatorMessage,
  encodeFrame,
  parseAgentMessage,
  parseCoordinatorMessage,
  PROTOCOL_VERSION,
  type Result,
} from '@baton/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FUZZ_TEST_TIMEOUT_MS, fuzzRuns } from '../harness/long-form.js';
import { hostileValue, mutated, OVERSIZED_STRING } from './support/hostile-json.js';
import { failOnProcessFaults } from './support/process-faults.js';
import { PROTOCOL_OVERRIDES } from './support/protocol-values.js';
import { arbitraryFor } from './support/zod-arbitrary.js';

const RUNS = fuzzRuns(1000, 20_000);
/** A refusal says what is wrong in a line, whatever the size of the frame. */
const MAX_ERROR_CHARS = 1000;

/** Messages the schema accepts (the walker does not solve refinements, so the few it misses are dropped). */
function validMessages<T>(schema: z.ZodType<T>): fc.Arbitrary<T> {
  return arbitraryFor(schema, { overrides: PROTOCOL_OVERRIDES })
    .filter((value) => schema.safeParse(value).success)
    .map((value) => value as T);
}

const envelope = (message: unknown): unknown =>
  typeof message === 'object' && message !== null && !Array.isArray(message) ? { v: PROTOCOL_VERSION, ...message } : message;

/** Text a peer might send: noise, JSON of any shape, valid frames mutated, frames past the size limit. */
function frames(schema: z.ZodType): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.json({ maxDepth: 4 }),
    hostileValue.map((value) => JSON.stringify(value) ?? ''),
    mutated(validMessages(schema).map(envelope)).map((value) => JSON.stringify(value) ?? ''),
    validMessages(schema).map((message) => JSON.stringify({ ...envelope(message) as object, padding: OVERSIZED_STRING })),
  );
}

function expectResult<T>(result: Result<T, string>, reparse: (raw: string) => Result<T, string>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    return;
  }
  // Accepted: it is a message of this version, and what it encodes to reads back as itself.
  const again = reparse(encodeFrame(result.value as AgentMessage));
  expect(again).toEqual(result);
}

describe.each([
  ['parseAgentMessage (the coordinator reading an agent)', AgentMessage as z.ZodType, parseAgentMessage as (raw: string) => Result<unknown, string>],
  ['parseCoordinatorMessage (an agent reading the coordinator)', CoordinatorMessage as z.ZodType, parseCoordinatorMessage as (raw: string) => Result<unknown, string>],
])('fuzz: %s', { timeout: FUZZ_TEST_TIMEOUT_MS }, (_name, schema, parse) => {
  failOnProcessFaults();

  it('answers any text with a Result, and accepts only what encodes back to itself', () => {
    fc.assert(fc.property(frames(schema), (raw) => expectResult(parse(raw), parse)), { numRuns: RUNS });
  });

  it('reads back every valid message it is sent', () => {
    fc.assert(
      fc.property(validMessages(schema), (message) => {
        const parsed = parse(encodeFrame(message as AgentMessage));
        expect(parsed).toEqual({ ok: true, value: schema.parse(message) });
      }),
      { numRuns: fuzzRuns(300, 5000) },
    );
  });

  it('refuses a valid message in another protocol version', () => {
    fc.assert(
      fc.property(validMessages(schema), fc.oneof(fc.integer(), fc.constantFrom<unknown>('1', null, 1.5, [])), (message, v) => {
        fc.pre(v !== PROTOCOL_VERSION);
        expect(parse(JSON.stringify({ ...(message as object), v })).ok).toBe(false);
      }),
      { numRuns: fuzzRuns(100, 2000) },
    );
  });
});
