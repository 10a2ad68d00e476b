import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';

/** Where the CLI writes; injected so commands can run in-process under test. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What every command gets: the API client for the global options, and one way to print results. */
export interface CliContext {
  readonly io: CliIo;
  /** The client for the global `--url` and `--token`, read when a command runs. */
  client(): ApiClient;
  /** Prints `value` as JSON under `--json`, otherwise the text `render` returns. */
  print(value: unknown, render: () => string): void;
}

/** A command group's module: adds its commands to the program. */
export type RegisterCommands = (program: Command, context: CliContext) => void;

/** A mistake in the command line that the parser cannot catch (a malformed flag value). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
