/**
 * The JSON shapes the admin API answers with, and the mapping from store records to them. Absent values are
 * `null` so every field is always present. The CLI imports these types.
 */
import type { BundleType, DeploymentConfig, HostFacts, HostSelector, Tags } from '@baton/shared';
import type { Application } from '../store/applications.js';
import type { DeploymentGroup } from '../store/deployment-groups.js';
import { enrollmentTokenState, type EnrollmentToken, type EnrollmentTokenState } from '../store/enrollment-tokens.js';
import type { Host } from '../store/hosts.js';
import type { Revision } from '../store/revisions.js';

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

export interface DeploymentGroupView {
  readonly deploymentGroupId: string;
  readonly applicationName: string;
  readonly name: string;
  readonly hostSelector: HostSelector;
  readonly deploymentConfig: DeploymentConfig;
  readonly autoRollback: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A group with the hosts its selector matches right now. */
export interface DeploymentGroupDetailView extends DeploymentGroupView {
  readonly hosts: readonly HostView[];
}

export const toDeploymentGroupView = (group: DeploymentGroup, application: Application): DeploymentGroupView => ({
  deploymentGroupId: group.id,
  applicationName: application.name,
  name: group.name,
  hostSelector: group.hostSelector,
  deploymentConfig: group.deploymentConfig,
  autoRollback: group.autoRollback,
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
  readonly sha256: string;
  readonly size: number;
  readonly bundleType: BundleType;
  readonly createdAt: string;
}

export const toRevisionView = (revision: Revision, application: Application): RevisionView => ({
  revisionId: revision.id,
  applicationName: application.name,
  sha256: revision.sha256,
  size: revision.size,
  bundleType: revision.bundleType,
  createdAt: revision.createdAt,
});
