/** Reports every problem with the command line or configuration at once, and exits with code 2 (like `run`). */
export function failUsage(problems: readonly string[]): void {
  for (const problem of problems) process.stderr.write(`baton-agent: ${problem}\n`);
  process.exitCode = 2;
}
