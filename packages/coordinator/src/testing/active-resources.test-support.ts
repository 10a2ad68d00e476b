/** Test support: the kinds of the process's active resources (sockets, servers, ref'd timers, ...), one per resource. */
export const activeResources = (): string[] => process.getActiveResourcesInfo();

/**
 * Fails unless every resource beyond `baseline` is released within `withinMs` (closing a socket or a server
 * finishes on a later tick). The wait polls with a timer of its own, which has fired whenever it checks.
 */
export async function expectNothingLeaked(baseline: readonly string[], withinMs = 1000): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    const leaked = subtract(activeResources(), baseline);
    if (leaked.length === 0) return;
    if (waited >= withinMs) throw new Error(`resources leaked by the test: ${leaked.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `after` minus `before`, as multisets. */
function subtract(after: readonly string[], before: readonly string[]): string[] {
  const left = [...before];
  return after.filter((kind) => {
    const index = left.indexOf(kind);
    if (index < 0) return true;
    left.splice(index, 1);
    return false;
  });
}
