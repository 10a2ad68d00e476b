/**
 * A real Baton cluster for end-to-end tests: one coordinator process and N agent processes, each agent in
 * its own mount namespace where a private bind mount gives it its own copy of the destination folder
 * (`APP_DIR`), so appspec destinations stay real absolute paths. Tests run as root.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, startProcess, type CommandResult, type RunningProcess } from './processes.js';
import { freeLoopbackPort } from './ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BATON = join(REPO_ROOT, 'packages/coordinator/bin/baton.js');
const BATON_AGENT = join(REPO_ROOT, 'packages/agent/bin/baton-agent.js');

/** The absolute destination the test bundles install to; each agent sees its own private copy. */
export const APP_DIR = '/opt/baton-e2e';

export interface ClusterOptions {
  readonly agents: number;
  /** The tags and extra hook environment of agent `index` (1-based, named `web<index>`). */
  readonly agentSpec?: (index: number) => AgentSpec;
  readonly heartbeatIntervalMs?: number;
  readonly offlineEventTimeoutMs?: number;
  /** `debug` logs every HTTP request the coordinator serves (bundle downloads included). */
  readonly coordinatorLogLevel?: string;
  /** More `baton server` flags (S3 endpoint, Git base URLs, ...). */
  readonly coordinatorArgs?: readonly string[];
  /** The coordinator's bin/baton.js: another installation's (serving another agent package) instead of the checkout's. */
  readonly coordinatorBin?: string;
  /** The address the coordinator listens on (default 127.0.0.1): agents in network namespaces need one they can reach. */
  readonly listenHost?: string;
}

export interface AgentSpec {
  /** `--tags`; default `role=web,zone=z<index>`. */
  readonly tags?: string;
  /** Extra `--env KEY=VALUE` for hook scripts, besides `BATON_E2E_HOST=<name>`. */
  readonly env?: readonly string[];
  /** More `baton-agent run` flags (e.g. `--trusted-key FILE`). */
  readonly args?: readonly string[];
  /** Runs the agent in this network namespace (see netns.ts) as well as its own mount namespace. */
  readonly networkNamespace?: string;
}

export class TestAgent {
  process: RunningProcess | undefined;

  constructor(
    readonly name: string,
    readonly root: string,
    /** This agent's private APP_DIR, as seen from the test. */
    readonly appDir: string,
    private readonly args: readonly string[],
    /** The script node runs and its command: the checkout's agent by default, or a versioned install's launcher. */
    private readonly entry: readonly string[] = [BATON_AGENT, 'run'],
    private readonly networkNamespace?: string,
  ) {}

  start(): void {
    // `ip netns exec` and unshare exec their command, sh mounts then execs node: the spawned pid ends up being
    // the agent itself.
    const inNetwork = this.networkNamespace === undefined ? [] : ['netns', 'exec', this.networkNamespace, 'unshare'];
    this.process = startProcess(`agent ${this.name}`, inNetwork.length > 0 ? 'ip' : 'unshare', [
      ...inNetwork,
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$1" "$2" && shift 2 && exec "$@"',
      'sh',
      this.appDir,
      APP_DIR,
      process.execPath,
      ...this.entry,
      ...this.args,
    ]);
  }

  read(relativePath: string): string {
    return readFileSync(join(this.appDir, relativePath), 'utf8');
  }
}

export class Cluster {
  coordinator!: RunningProcess;
  url!: string;
  token!: string;
  readonly agents: TestAgent[] = [];

  /** The enrollment token every agent of this cluster enrolls with. */
  enrollToken = '';

  private constructor(
    readonly dir: string,
    private readonly port: number,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'baton-e2e-'));
    mkdirSync(APP_DIR, { recursive: true });
    const cluster = new Cluster(dir, await freeLoopbackPort(), options);
    await cluster.startCoordinator();
    const enrolled = await cluster.baton(['enroll-token', 'create', '--json']);
    cluster.enrollToken = (JSON.parse(enrolled.stdout) as { token: string }).token;
    for (let i = 1; i <= options.agents; i++) cluster.addAgent(options.agentSpec?.(i) ?? {});
    await cluster.waitForOnlineHosts(options.agents);
    return cluster;
  }

  /** Enrolls and starts one more agent, `web<n>`; it does not wait for the agent to come online. */
  addAgent(spec: AgentSpec = {}): TestAgent {
    const index = this.agents.length + 1;
    const name = `web${index}`;
    const root = join(this.dir, 'agents', name);
    const appDir = join(root, 'app-dir');
    mkdirSync(appDir, { recursive: true });
    const agent = new TestAgent(name, root, appDir, [
      '--coordinator', this.url, '--enroll-token', this.enrollToken, '--root', root, '--name', name,
      '--tags', spec.tags ?? `role=web,zone=z${index}`, '--env', `BATON_E2E_HOST=${name}`,
      ...(spec.env ?? []).flatMap((entry) => ['--env', entry]),
      ...(spec.args ?? []),
    ], undefined, spec.networkNamespace);
    agent.start();
    this.agents.push(agent);
    return agent;
  }

  async startCoordinator(): Promise<void> {
    this.coordinator = startProcess('coordinator', process.execPath, [
      this.options.coordinatorBin ?? BATON, 'server', '--data-dir', join(this.dir, 'coordinator'), '--listen', `${this.options.listenHost ?? '127.0.0.1'}:${this.port}`,
      '--heartbeat-interval', `${this.options.heartbeatIntervalMs ?? 500}ms`,
      '--offline-event-timeout', `${this.options.offlineEventTimeoutMs ?? 5000}ms`,
      ...(this.options.coordinatorLogLevel ? ['--log-level', this.options.coordinatorLogLevel] : []),
      ...(this.options.coordinatorArgs ?? []),
    ]);
    const [, url] = await this.coordinator.waitFor(/listening on (https?:\/\/\S+)/);
    this.url = url!;
    this.token = readFileSync(join(this.dir, 'coordinator', 'admin-token'), 'utf8').trim();
  }

  /** The certificate of a coordinator started with `--tls-self-signed`. */
  get selfSignedCertificate(): string {
    return join(this.dir, 'coordinator', 'tls', 'cert.pem');
  }

  /** Runs the `baton` CLI against this cluster (trusting its self-signed certificate when it serves HTTPS). */
  baton(args: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
    const trust = this.url.startsWith('https:') ? { NODE_EXTRA_CA_CERTS: this.selfSignedCertificate } : {};
    return runCommand(process.execPath, [BATON, ...args], { BATON_URL: this.url, BATON_TOKEN: this.token, ...trust }, timeoutMs);
  }

  async batonJson<T>(args: readonly string[]): Promise<T> {
    const result = await this.baton([...args, '--json']);
    if (result.exitCode !== 0) throw new Error(`baton ${args.join(' ')} failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  async waitForOnlineHosts(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hosts = await this.batonJson<{ online: boolean }[]>(['hosts', 'list']).catch(() => []);
      if (hosts.filter((h) => h.online).length >= count) return;
      if (Date.now() > deadline) {
        throw new Error(`only ${hosts.filter((h) => h.online).length} of ${count} hosts online:\n${this.agents.map((a) => a.process?.output).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.process?.kill('SIGKILL')));
    await this.coordinator.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
