/** An inclusive byte range of a representation. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Interprets a `Range` header for a body of `size` bytes. Only single ranges `bytes=N-` and `bytes=N-M` are
 * honoured (what a resuming download sends); anything else is ignored, as RFC 9110 allows, and the whole body
 * is served (undefined). A range starting at or past the end is `unsatisfiable` (416).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match?.[1]) return undefined;
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size) return 'unsatisfiable';
  return end < start ? undefined : { start, end };
}
