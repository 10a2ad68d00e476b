import { hostMetricsRouteDocs } from '../../health/host-metrics-routes.js';
import { applicationRouteDocs } from '../routes/applications.js';
import { auditRouteDocs } from '../routes/audit.js';
import { backupRouteDocs } from '../routes/backup.js';
import { deploymentGroupRouteDocs } from '../routes/deployment-groups.js';
import { deploymentLogRouteDocs } from '../routes/deployment-logs.js';
import { deploymentRouteDocs } from '../routes/deployments.js';
import { enrollmentTokenRouteDocs } from '../routes/enrollment-tokens.js';
import { hostUpgradeRouteDocs } from '../routes/host-upgrade.js';
import { hostRouteDocs } from '../routes/hosts.js';
import { revisionRouteDocs } from '../routes/revisions.js';
import { tokenRouteDocs } from '../routes/tokens.js';
import { triggerRouteDocs } from '../routes/triggers.js';
import { variableRouteDocs } from '../routes/variables.js';
import type { RouteDoc } from './route-doc.js';

/**
 * Every admin API route's doc, gathered from the route modules. The OpenAPI document is built from it, and the
 * access middleware reads each route's permission here; a test fails when a mounted route has no doc.
 */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...applicationRouteDocs,
  ...deploymentGroupRouteDocs,
  ...hostRouteDocs,
  ...hostMetricsRouteDocs,
  ...hostUpgradeRouteDocs,
  ...enrollmentTokenRouteDocs,
  ...revisionRouteDocs,
  ...deploymentRouteDocs,
  ...deploymentLogRouteDocs,
  ...backupRouteDocs,
  ...tokenRouteDocs,
  ...auditRouteDocs,
  ...variableRouteDocs,
  ...triggerRouteDocs,
];
