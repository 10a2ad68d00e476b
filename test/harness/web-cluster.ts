/**
 * A cluster for the strategy tests: agents that each serve the web bundle on their own port, optionally
 * behind a real HAProxy with one server per agent (named like the agent), plus the `baton` steps the tests
 * repeat: applying a group file, deploying a bundle, waiting for a deployment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type ClusterOptions, type TestAgent } from './cluster.js';
import type { DeploymentJson } from './deployments.js';
import { startHaproxy, type RunningHaproxy } from './haproxy.js';
import { freeLoopbackPort } from './ports.js';
import { eventually } from './processes.js';
import { stopWebApps, writeWebBundle, type WebBundleSpec } from './web-bundle.js';

export type Deployment = DeploymentJson & { readonly startTime?: string; readonly completeTime?: string };

export interface WebClusterOptions extends Pick<ClusterOptions, 'coordinatorLogLevel' | 'offlineEventTimeoutMs'> {
  readonly agents: number;
  /** `--tags` of agent `index` (1-based); default `role=web,zone=z<index>`. */
  readonly tags?: (index: number) => string;
  /** Puts HAProxy in front of the agents (default true). */
  readonly haproxy?: boolean;
}

export class WebCluster {
  private constructor(
    readonly cluster: Cluster,
    readonly haproxy: RunningHaproxy | undefined,
    /** Agent name → the port its web server listens on. */
    readonly ports: Map<string, number>,
    private readonly dir: string,
  ) {}

  static async start(options: WebClusterOptions): Promise<WebCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'baton-web-'));
    const ports = new Map<string, number>();
    for (let i = 1; i <= options.agents; i++) ports.set(`web${i}`, await freeLoopbackPort());
    const haproxy = options.haproxy === false ? undefined : await startHaproxy({ servers: Object.fromEntries(ports) });
    try {
      const cluster = await Cluster.start({
        agents: options.agents,
        heartbeatIntervalMs: 300,
        ...(options.offlineEventTimeoutMs ? { offlineEventTimeoutMs: options.offlineEventTimeoutMs } : {}),
        ...(options.coordinatorLogLevel ? { coordinatorLogLevel: options.coordinatorLogLevel } : {}),
        agentSpec: (index) => ({
          ...(options.tags ? { tags: options.tags(index) } : {}),
          env: [`PORT=${ports.get(`web${index}`)}`],
        }),
      });
      const web = new WebCluster(cluster, haproxy, ports, dir);
      await web.baton(['app', 'create', 'shop']);
      return web;
    } catch (error) {
      await haproxy?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get agents(): readonly TestAgent[] {
    return this.cluster.agents;
  }

  /** HAProxy's frontend. */
  get url(): string {
    if (!this.haproxy) throw new Error('this cluster has no HAProxy');
    return this.haproxy.url;
  }

  /** An agent's own web server, bypassing HAProxy. */
  directUrl(agentName: string): string {
    return `http://127.0.0.1:${this.ports.get(agentName)}/`;
  }

  /** The group file's `trafficRouter` for this HAProxy: backend `app`, canary backend `app_canary`. */
  trafficRouter(): Record<string, unknown> {
    const haproxy = this.haproxy!;
    const servers = Object.fromEntries([...this.ports.keys()].map((name) => [name, name]));
    return { type: 'haproxy', adminSocket: haproxy.adminSocket, backend: haproxy.backend, canaryBackend: haproxy.canaryBackend, servers };
  }

  /** Enrolls one more agent serving on a port of its own (not behind HAProxy), and waits for it to be online. */
  async addAgent(tags: string): Promise<TestAgent> {
    const port = await freeLoopbackPort();
    const agent = this.cluster.addAgent({ tags, env: [`PORT=${port}`] });
    this.ports.set(agent.name, port);
    await this.cluster.waitForOnlineHosts(this.agents.length);
    return agent;
  }

  bundle(spec: WebBundleSpec): string {
    return writeWebBundle(join(this.dir, `bundle-${spec.version}`), spec);
  }

  /** `baton group apply -f` of `group` (application `shop`, group `web` unless it says otherwise). */
  async applyGroup(group: Record<string, unknown>): Promise<void> {
    const file = join(this.dir, 'group.yml');
    // A group file may be JSON: YAML reads it as it is.
    writeFileSync(file, JSON.stringify({ application: 'shop', name: 'web', hosts: { tags: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }] }, ...group }));
    await this.baton(['group', 'apply', '-f', file]);
  }

  /** Starts a deployment of the bundle to shop/web and returns its id, without waiting. */
  async deploy(bundle: string): Promise<string> {
    return (await this.cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle])).deploymentId;
  }

  get(id: string): Promise<Deployment> {
    return this.cluster.batonJson<Deployment>(['deployment', 'get', id]);
  }

  /** Polls the deployment until `ready` holds. */
  until(id: string, what: string, ready: (deployment: Deployment) => boolean, timeoutMs = 60_000): Promise<Deployment> {
    return eventually(`deployment ${id}: ${what}`, async () => {
      const deployment = await this.get(id);
      return ready(deployment) ? deployment : undefined;
    }, timeoutMs);
  }

  finished(id: string, timeoutMs = 60_000): Promise<Deployment> {
    return this.until(id, 'finished', (d) => ['Succeeded', 'Failed', 'Stopped'].includes(d.status), timeoutMs);
  }

  /** Runs `baton`; fails with its output unless it exits 0. */
  async baton(args: readonly string[]): Promise<string> {
    const result = await this.cluster.baton(args);
    if (result.exitCode !== 0) throw new Error(`baton ${args.join(' ')} exited ${result.exitCode}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  async stop(): Promise<void> {
    stopWebApps(this.agents);
    await this.cluster.stop();
    await this.haproxy?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
