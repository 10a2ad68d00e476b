import { parseDuration } from '@baton/shared';
import { CliError } from './context.js';

/** A `--ttl` such as `24h` or `30d` in whole seconds, at least one; a malformed one is a CLI error naming the flag. */
export function parseTtlSeconds(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new CliError('INVALID_ARGUMENT', `--ttl: ${parsed.error}`);
  if (parsed.value < 1000 || parsed.value % 1000 !== 0) {
    throw new CliError('INVALID_ARGUMENT', `--ttl: must be a whole number of seconds, at least 1s`);
  }
  return parsed.value / 1000;
}
