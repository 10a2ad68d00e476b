import { sql as initial } from './001-initial.js';
import { sql as groupSpecs } from './002-group-specs.js';
import { sql as deploymentBatches } from './003-deployment-batches.js';
import { sql as revisionSources } from './004-revision-sources.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Rebuilds tables other tables point at: foreign keys are checked once before the commit, not per statement. */
  readonly rebuildsTables?: boolean;
}

/** Every migration in order. Append-only: a shipped migration is never edited, only followed by a new one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'group-specs', sql: groupSpecs },
  { version: 3, name: 'deployment-batches', sql: deploymentBatches },
  { version: 4, name: 'revision-sources', sql: revisionSources, rebuildsTables: true },
];
