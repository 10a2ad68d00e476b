/**
 * The chaos suites' view of the coordinator: its HTTP API read directly (no CLI process per poll, which would
 * cost a Node start-up on a busy two-core machine while processes are being killed around it).
 */
import { isTerminalDeploymentStatus, type DeploymentStatus } from '@baton/shared';
import type { Cluster } from './cluster.js';
import type { DeploymentJson } from './deployments.js';
import { eventually } from './processes.js';

/** A deployment as the list gives it: no per-host detail. */
export interface DeploymentSummary {
  readonly deploymentId: string;
  readonly deploymentGroupName: string;
  readonly status: DeploymentStatus;
  readonly creator: string;
}

export type DeploymentWithGroup = DeploymentJson & DeploymentSummary;

/** One stored line of hook output, as `GET /deployments/:id/logs` gives it in NDJSON. */
export interface OutputRecord {
  readonly hostId: string;
  readonly host: string;
  readonly event: string;
  readonly seq: number;
  readonly stream: string;
  readonly text: string;
}

export interface HostJson {
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
}

export class ChaosApi {
  constructor(private readonly cluster: Cluster) {}

  /** Every deployment of the application, oldest first, without per-host detail. */
  async deploymentsOf(application: string): Promise<DeploymentSummary[]> {
    const list = await this.json<DeploymentSummary[]>(`/deployments?application=${encodeURIComponent(application)}&limit=1000`);
    return list.reverse();
  }

  deployment(id: string): Promise<DeploymentWithGroup> {
    return this.json(`/deployments/${encodeURIComponent(id)}`);
  }

  async logs(id: string): Promise<OutputRecord[]> {
    const text = await this.text(`/deployments/${encodeURIComponent(id)}/logs`, 'application/x-ndjson');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as OutputRecord);
  }

  hosts(): Promise<HostJson[]> {
    return this.json('/hosts');
  }

  /** Waits until the application has deployments and none is waiting or running; returns them in full. */
  async allFinished(application: string, timeoutMs: number): Promise<DeploymentWithGroup[]> {
    const summaries = await eventually(
      `every deployment of ${application} to finish`,
      async () => {
        const list = await this.deploymentsOf(application);
        return list.length > 0 && list.every((d) => isTerminalDeploymentStatus(d.status)) ? list : undefined;
      },
      timeoutMs,
    );
    return Promise.all(summaries.map((summary) => this.deployment(summary.deploymentId)));
  }

  private async json<T>(path: string): Promise<T> {
    return JSON.parse(await this.text(path, 'application/json')) as T;
  }

  private async text(path: string, accept: string): Promise<string> {
    const response = await fetch(`${this.cluster.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${this.cluster.token}`, accept },
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${body}`);
    return body;
  }
}
