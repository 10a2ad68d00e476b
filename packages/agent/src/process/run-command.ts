import { execFile } from 'node:child_process';

export interface CommandOutcome {
  /** The exit code; null when the command could not start or was killed by a signal. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it could not start or was killed, when it could not or was. */
  readonly problem?: string;
}

/**
 * Runs a short system command (getent, setfacl) to its end and collects its output; never rejects. Node's
 * own `execFile` keeps the agent free of a process library's memory for these one-liners.
 */
export function runCommand(file: string, args: readonly string[]): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ exitCode: 0, stdout, stderr });
      const exitCode = typeof error.code === 'number' ? error.code : null;
      resolve({ exitCode, stdout, stderr, problem: error.message });
    });
    child.stdin?.end();
  });
}
