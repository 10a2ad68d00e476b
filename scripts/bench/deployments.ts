/**
 * Admin-API steps of the benchmark: an application with a group, an uploaded bundle, and a deployment
 * followed to its end through the long poll `/deployments/:id/wait?after=V`.
 */
import { isTerminalDeploymentStatus, type DeploymentStatus } from '@baton/shared';
import { ApiClientError, type ApiClient } from '../../packages/coordinator/src/cli/api-client.js';
import { packBundle } from '../../packages/coordinator/src/cli/bundle-pack.js';

export interface Target {
  readonly app: string;
  readonly group: string;
  readonly revisionId: string;
}

export interface TargetSpec {
  readonly app: string;
  readonly group: string;
  /** A predefined configuration, e.g. CodeDeployDefault.AllAtOnce. */
  readonly config: string;
  /** The group selects the hosts that carry all of these tags. */
  readonly tags: Readonly<Record<string, string>>;
  readonly bundleDir: string;
}

export interface FinishedDeployment {
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
  /** From the POST that created it to the long poll that saw it end. */
  readonly ms: number;
  /** How many long polls returned before the end. */
  readonly polls: number;
}

/** Creates the application and its group, and uploads the bundle. */
export async function prepareTarget(api: ApiClient, spec: TargetSpec): Promise<Target> {
  await api.post('/api/v1/applications', { name: spec.app });
  const appPath = `/api/v1/applications/${encodeURIComponent(spec.app)}`;
  await api.post(`${appPath}/deployment-groups`, {
    name: spec.group,
    // A tag set: one group of filters per tag, so a host must carry every tag.
    hostSelector: { tagSet: Object.entries(spec.tags).map(([key, value]) => [{ key, value, type: 'KEY_AND_VALUE' }]) },
    deploymentConfig: spec.config,
  });
  const bundle = await packBundle(spec.bundleDir);
  try {
    const { revisionId } = await api.upload<{ revisionId: string }>(`${appPath}/revisions?bundleType=${bundle.bundleType}`, bundle.open(), bundle.size);
    return { app: spec.app, group: spec.group, revisionId };
  } finally {
    await bundle.dispose();
  }
}

export async function deployAndWait(api: ApiClient, target: Target, timeoutMs: number): Promise<FinishedDeployment> {
  const started = performance.now();
  const { deploymentId } = await api.post<{ deploymentId: string }>('/api/v1/deployments', {
    applicationName: target.app,
    deploymentGroupName: target.group,
    revisionId: target.revisionId,
  });
  const deadline = started + timeoutMs;
  let version = 0;
  for (let polls = 0; ; polls++) {
    const status = await readStatus(api, target, deploymentId);
    if (isTerminalDeploymentStatus(status)) return { deploymentId, status, ms: performance.now() - started, polls };
    const remaining = Math.round(deadline - performance.now());
    if (remaining <= 0) throw new Error(`deployment ${deploymentId} still ${status} after ${timeoutMs} ms`);
    const waitMs = Math.min(remaining, 20_000);
    ({ version } = await getOnceMore(() => api.get<{ version: number }>(`/api/v1/deployments/${deploymentId}/wait?after=${version}&timeoutMs=${waitMs}`)));
  }
}

/** From the list view, which carries no per-host detail: cheap even for a deployment to 1,000 hosts. */
async function readStatus(api: ApiClient, target: Target, deploymentId: string): Promise<DeploymentStatus> {
  const query = `application=${encodeURIComponent(target.app)}&group=${encodeURIComponent(target.group)}&limit=1`;
  const [latest] = await getOnceMore(() => api.get<{ deploymentId: string; status: DeploymentStatus }[]>(`/api/v1/deployments?${query}`));
  if (latest?.deploymentId !== deploymentId) throw new Error(`deployment ${deploymentId} is not the latest of ${target.group}`);
  return latest.status;
}

/**
 * A GET is idempotent: when the connection broke (typically a keep-alive socket the server closed while the
 * client reused it, which happens when the coordinator's event loop stalls for seconds), send it once more.
 */
async function getOnceMore<T>(get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (error) {
    if (!(error instanceof ApiClientError && error.code === 'UNREACHABLE')) throw error;
    process.stderr.write(`bench: ${error.message}; retrying once\n`);
    return get();
  }
}
