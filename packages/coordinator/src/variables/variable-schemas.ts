import { z } from 'zod';

/** Names Baton itself gives every hook (reference section 3 and Baton's own): a variable cannot replace them. */
const RESERVED_NAMES = new Set(['LIFECYCLE_EVENT', 'DEPLOYMENT_ID', 'APPLICATION_NAME', 'DEPLOYMENT_GROUP_NAME', 'DEPLOYMENT_GROUP_ID']);
const RESERVED_PREFIXES = ['BUNDLE_', 'BATON_'];

/** A POSIX environment variable name that Baton does not set itself. */
export const VariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'use 1 to 128 letters, digits or "_", not starting with a digit')
  .refine((name) => name !== '__proto__', 'this name is not allowed')
  .refine(
    (name) => !RESERVED_NAMES.has(name) && !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)),
    `Baton sets this name itself (${[...RESERVED_NAMES].join(', ')}, ${RESERVED_PREFIXES.map((prefix) => `${prefix}*`).join(', ')})`,
  );

/** Linux refuses to start a process with one environment string over 128 KiB; values stay well below. */
export const MAX_VARIABLE_VALUE_CHARS = 32_768;

export const VariableValue = z
  .string()
  .max(MAX_VARIABLE_VALUE_CHARS)
  .refine((value) => !value.includes('\0'), 'an environment variable cannot hold a NUL character');
