import type { z } from 'zod';

/**
 * Reads a JSON column through its schema. The store wrote it, so a document that does not parse is
 * corruption or a missing migration: an infrastructure fault that throws, never a validation error for a client.
 */
export function parseStoredJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(`stored ${what} is not valid`, { cause: error });
  }
}
