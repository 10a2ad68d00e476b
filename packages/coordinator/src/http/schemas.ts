import { z } from 'zod';

/** Names of applications and groups appear in URL paths: a conservative, path-safe alphabet. */
export const ResourceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'use 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit');
