/**
 * The JSON shapes the admin API answers with, and the mapping from store records to them. Absent values are
 * `null` so every field is always present. The CLI imports these types.
 */
import type {
  AutoRollbackEvent,
  RevisionSource,
  BundleType,
  DeploymentConfig,
  HostFacts,
  HostSelector,
  OutdatedInstancesStrategy,
  Tags,
  TrafficRouterSpec,
} from '@baton/shared';
import {
  formatAlarm,
  formatHealthCheck,
  formatStrategy,
  type AlarmFile,
  type HealthCheckFile,
  type StrategyFile,
  type TriggerFile,
} from '../group-spec/format-group-spec.js';
import type { GroupSpecNotice } from '../group-spec/check-group-spec.js';
import type { GeneratedTriggerSecret } from '../notifications/trigger-secrets.js';
import type { Application } from '../store/applications.js';
import type { ApplyOutcome, DeploymentGroup } from '../store/deployment-groups.js';
import { enrollmentTokenState, type EnrollmentToken, type EnrollmentTokenState } from '../store/enrollment-tokens.js';
import type { Host } from '../store/hosts.js';
import type { RevisionUsage } from '../store/revision-usage.js';
import type { RevisionEntry } from '../store/revisions.js';

export interface ApplicationView {
  readonly applicationId: string;
  readonly name: string;
  readonly createdAt: string;
}

export const toApplicationView = (application: Application): ApplicationView => ({
  applicationId: application.id,
  name: application.name,
  createdAt: application.createdAt,
});

/**
 * A group. The strategy, health checks and alarms are in the group file's form (`bake: 30s`, `batches: [1,
 * "25%"]`), so they can be sent back unchanged in a POST or PUT.
 */
export interface DeploymentGroupView {
  readonly deploymentGroupId: string;
  readonly applicationName: string;
  readonly name: string;
  readonly hostSelector: HostSelector;
  readonly deploymentConfig: DeploymentConfig;
  readonly strategy: StrategyFile;
  readonly trafficRouter: TrafficRouterSpec | null;
  readonly healthChecks: readonly HealthCheckFile[];
  readonly alarms: readonly AlarmFile[];
  readonly autoRollbackEvents: readonly AutoRollbackEvent[];
  /** Whether a failed deployment rolls back: `DEPLOYMENT_FAILURE` is among `autoRollbackEvents`. */
  readonly autoRollback: boolean;
  readonly outdatedInstances: OutdatedInstancesStrategy;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A group with the hosts its selector matches right now. */
export interface DeploymentGroupDetailView extends DeploymentGroupView {
  readonly hosts: readonly HostView[];
  /** Its webhooks, as a group file writes them: secrets by reference only. */
  readonly triggers: readonly TriggerFile[];
}

/** The answer to writing a group: the group, and what was accepted but looks unintended. */
export interface DeploymentGroupWrittenView extends DeploymentGroupDetailView {
  readonly warnings: readonly GroupSpecNotice[];
}

/** The answer to applying a group file. */
export interface GroupFileAppliedView extends DeploymentGroupWrittenView {
  readonly outcome: ApplyOutcome;
  /** Secrets made for triggers the file gave without one: shown this once. */
  readonly triggerSecrets: readonly GeneratedTriggerSecret[];
}

export const toDeploymentGroupView = (group: DeploymentGroup, application: Application): DeploymentGroupView => ({
  deploymentGroupId: group.id,
  applicationName: application.name,
  name: group.name,
  hostSelector: group.hostSelector,
  deploymentConfig: group.deploymentConfig,
  strategy: formatStrategy(group.strategy),
  trafficRouter: group.trafficRouter ?? null,
  healthChecks: group.healthChecks.map(formatHealthCheck),
  alarms: group.alarms.map(formatAlarm),
  autoRollbackEvents: group.autoRollbackEvents,
  autoRollback: group.autoRollback,
  outdatedInstances: group.outdatedInstances,
  createdAt: group.createdAt,
  updatedAt: group.updatedAt,
});

export interface HostView {
  readonly hostId: string;
  readonly name: string;
  readonly tags: Tags;
  readonly online: boolean;
  readonly agentVersion: string | null;
  readonly lastSeenAt: string | null;
  readonly facts: HostFacts | null;
}

export const toHostView = (host: Host): HostView => ({
  hostId: host.id,
  name: host.name,
  tags: host.tags,
  online: host.online,
  agentVersion: host.agentVersion ?? null,
  lastSeenAt: host.lastSeenAt ?? null,
  facts: host.facts ?? null,
});

/** An enrollment token as listed: never its secret. */
export interface EnrollmentTokenView {
  readonly id: string;
  readonly state: EnrollmentTokenState;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly createdAt: string;
}

export const toEnrollmentTokenView = (token: EnrollmentToken, now: Date): EnrollmentTokenView => ({
  id: token.id,
  state: enrollmentTokenState(token, now),
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt ?? null,
  createdAt: token.createdAt,
});

/** The answer to creating an enrollment token: the only time its text is shown. */
export interface CreatedEnrollmentTokenView {
  readonly id: string;
  readonly token: string;
  readonly expiresAt: string;
}

export interface RevisionView {
  readonly revisionId: string;
  readonly applicationName: string;
  /** `unresolved`: the location could not be resolved; `error` says why, and the digest fields are null. */
  readonly status: 'resolved' | 'unresolved';
  /** The location as asked for: `upload`, `s3://bucket/key (ETag …)`, `https://host/repo.git@<commit>`, a URL. */
  readonly location: string;
  readonly source: RevisionSource | null;
  readonly sha256: string | null;
  readonly size: number | null;
  readonly bundleType: BundleType | null;
  /** The ids of the keys that signed the digest. */
  readonly signedBy: readonly string[];
  readonly error: { code: string; message: string } | null;
  readonly createdAt: string;
  readonly firstDeployedAt: string | null;
  readonly lastDeployedAt: string | null;
  /** Newest first; only in the answer for one revision. */
  readonly deployments?: RevisionUsage['deployments'];
}

export const toRevisionView = (revision: RevisionEntry, application: Application, usage: RevisionUsage, withDeployments = false): RevisionView => ({
  revisionId: revision.id,
  applicationName: application.name,
  status: revision.status,
  location: revision.location,
  source: revision.status === 'resolved' ? revision.source : null,
  sha256: revision.status === 'resolved' ? revision.sha256 : null,
  size: revision.status === 'resolved' ? revision.size : null,
  bundleType: revision.status === 'resolved' ? revision.bundleType : null,
  signedBy: revision.status === 'resolved' ? revision.signatures.map((signature) => signature.keyId) : [],
  error: revision.status === 'unresolved' ? revision.error : null,
  createdAt: revision.createdAt,
  firstDeployedAt: usage.firstDeployedAt ?? null,
  lastDeployedAt: usage.lastDeployedAt ?? null,
  ...(withDeployments ? { deployments: usage.deployments } : {}),
});
