/** Causes followed at most: enough for every wrapping in the agent, and a guard against a cause cycle. */
const MAX_CAUSES = 5;

/**
 * The message of an unexpected fault for an event's diagnostics: its own message and each cause's, joined.
 * Faults are wrapped to say what was being done (`installing /srv/app/big.bin failed`); the cause says why
 * (`ENOSPC: no space left on device, copyfile …`), which is what the person reading the diagnostics needs.
 */
export function describeFault(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current !== undefined && messages.length <= MAX_CAUSES) {
    messages.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return messages.join(': ');
}
