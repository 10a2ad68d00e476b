import { sql as initial } from './001-initial.js';
import { sql as groupSpecs } from './002-group-specs.js';
import { sql as deploymentBatches } from './003-deployment-batches.js';
import { sql as revisionSources } from './004-revision-sources.js';
import { sql as accessControl } from './005-access-control.js';
import { sql as adminSurface } from './006-admin-surface.js';
import { sql as hookOutput } from './007-hook-output.js';
import { sql as triggers } from './008-triggers.js';
import { sql as variables } from './009-variables.js';
import { sql as agentUpgrades } from './010-agent-upgrades.js';
import { sql as sealedTriggerSecrets } from './011-sealed-trigger-secrets.js';
import { sql as revisionsByDigest } from './012-revisions-by-digest.js';
import { sql as deploymentStartOrder } from './013-deployment-start-order.js';

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
  { version: 5, name: 'access-control', sql: accessControl },
  { version: 6, name: 'admin-surface', sql: adminSurface, rebuildsTables: true },
  { version: 7, name: 'hook-output', sql: hookOutput },
  { version: 8, name: 'triggers', sql: triggers },
  { version: 9, name: 'variables', sql: variables },
  { version: 10, name: 'agent-upgrades', sql: agentUpgrades },
  { version: 11, name: 'sealed-trigger-secrets', sql: sealedTriggerSecrets, rebuildsTables: true },
  { version: 12, name: 'revisions-by-digest', sql: revisionsByDigest },
  { version: 13, name: 'deployment-start-order', sql: deploymentStartOrder },
];
