/**
 * Values of the protocol's schemas whose checks `arbitraryFor` cannot see through, for the fuzz suites that build
 * frames: event names from the lifecycle table, durations as milliseconds or as text.
 */
import { LifecycleEventNameSchema, RESERVED_EVENTS, SCRIPTABLE_HOOKS } from '@baton/shared';
import fc from 'fast-check';
import type { z } from 'zod';
import { DurationMs } from '../../../packages/shared/src/group-spec/common.js';

export const PROTOCOL_OVERRIDES: ReadonlyMap<z.ZodType, fc.Arbitrary<unknown>> = new Map<z.ZodType, fc.Arbitrary<unknown>>([
  [LifecycleEventNameSchema, fc.constantFrom(...SCRIPTABLE_HOOKS, ...RESERVED_EVENTS)],
  [DurationMs, fc.oneof(fc.nat(), fc.constantFrom('30s', '15m', '2h'))],
]);
