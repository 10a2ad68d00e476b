import { sql as initial } from './001-initial.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration in order. Append-only: a shipped migration is never edited, only followed by a new one. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: initial }];
