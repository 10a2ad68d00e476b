/** The few `baton` CLI steps the chaos suites take: setting up an application and starting deployments. */
import type { Cluster } from './cluster.js';

/** Runs `baton …` and fails with its output when it does not exit 0. */
export async function batonOk(cluster: Cluster, args: readonly string[]): Promise<void> {
  const { exitCode, stdout, stderr } = await cluster.baton(args);
  if (exitCode !== 0) throw new Error(`baton ${args.join(' ')} failed (${exitCode}):\n${stdout}\n${stderr}`);
}

/** Uploads a bundle and starts (or queues) a deployment of it, without waiting; returns its id. */
export async function deployBundle(cluster: Cluster, application: string, group: string, bundle: string): Promise<string> {
  const created = await cluster.batonJson<{ deploymentId?: string }>(['deploy', application, group, '--bundle', bundle]);
  if (!created.deploymentId) throw new Error(`baton deploy printed no deployment id: ${JSON.stringify(created)}`);
  return created.deploymentId;
}
