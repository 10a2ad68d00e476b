/**
 * A tiny client for HAProxy's runtime API (the admin "stats socket"): one command per connection, exactly
 * like `echo "<command>" | socat stdio <socket>`. HAProxy answers a `set` command with an empty line when it
 * succeeds and with a sentence when it does not; every refusal becomes an Error naming the command.
 */
import { connect, type NetConnectOpts } from 'node:net';
import { ServerState } from './traffic-router.js';

/** `host:port` for a TCP stats socket; anything else is a unix socket path. */
export function parseRuntimeApiAddress(address: string): NetConnectOpts {
  const tcp = /^\[?([^/\]]+?)\]?:(\d{1,5})$/.exec(address);
  return tcp ? { host: tcp[1]!, port: Number(tcp[2]) } : { path: address };
}

/** One server's line of `show servers state <backend>`. */
export interface ServerStateRow {
  readonly backend: string;
  readonly server: string;
  readonly state: ServerState;
  /** The weight in effect (set at run time or configured). */
  readonly weight: number;
  /** Whether HAProxy considers the server up (health checks passing or none configured). */
  readonly running: boolean;
}

// srv_admin_state flags (HAProxy's enum srv_admin): forced, inherited or DNS-caused maintenance; forced or
// inherited drain. The "configured maintenance" bit (0x04) only remembers the `disabled` keyword.
const ADMIN_MAINT_FLAGS = 0x01 | 0x02 | 0x20;
const ADMIN_DRAIN_FLAGS = 0x08 | 0x10;
/** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
const OP_STATE_RUNNING = 2;
/** The only `show servers state` format this parser knows. */
const SERVERS_STATE_VERSION = '1';

/** Parses the answer to `show servers state`; columns are found by name in its `#` header line. */
export function parseServersState(text: string): ServerStateRow[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [version, header, ...rows] = lines;
  if (version?.trim() !== SERVERS_STATE_VERSION || !header?.startsWith('#')) {
    throw new Error(`unexpected "show servers state" answer: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const columns = header.slice(1).trim().split(/\s+/);
  const column = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`"show servers state" has no ${name} column: ${header}`);
    return index;
  };
  const at = {
    backend: column('be_name'),
    server: column('srv_name'),
    opState: column('srv_op_state'),
    adminState: column('srv_admin_state'),
    weight: column('srv_uweight'),
  };
  return rows.map((row) => {
    const fields = row.trim().split(/\s+/);
    const admin = Number(fields[at.adminState]);
    return {
      backend: fields[at.backend]!,
      server: fields[at.server]!,
      state: admin & ADMIN_MAINT_FLAGS ? ServerState.Maint : admin & ADMIN_DRAIN_FLAGS ? ServerState.Drain : ServerState.Ready,
      weight: Number(fields[at.weight]),
      running: Number(fields[at.opState]) === OP_STATE_RUNNING,
    };
  });
}

/** A weight of 0–256, or `100%`: back to the configured weight. */
export type ServerWeight = number | '100%';

export class HaproxyRuntimeApi {
  private readonly target: NetConnectOpts;

  constructor(
    /** As in the group's `trafficRouter.adminSocket`. */
    readonly address: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.target = parseRuntimeApiAddress(address);
  }

  async setServerState(backend: string, server: string, state: ServerState): Promise<void> {
    await this.set(`set server ${nameServer(backend, server)} state ${state}`, `set ${backend}/${server} to ${state}`);
  }

  async setServerWeight(backend: string, server: string, weight: ServerWeight): Promise<void> {
    await this.set(`set server ${nameServer(backend, server)} weight ${weight}`, `set the weight of ${backend}/${server} to ${weight}`);
  }

  async showServersState(backend: string): Promise<ServerStateRow[]> {
    const answer = await this.send(`show servers state ${checkName(backend)}`);
    if (!answer.startsWith(SERVERS_STATE_VERSION)) {
      throw new Error(`HAProxy at ${this.address} could not show the servers of backend "${backend}": ${answer.trim()}`);
    }
    return parseServersState(answer);
  }

  private async set(command: string, what: string): Promise<void> {
    const answer = (await this.send(command)).trim();
    if (answer !== '') throw new Error(`HAProxy at ${this.address} refused to ${what}: ${answer}`);
  }

  /** Sends one command and resolves with everything HAProxy writes before it closes the connection. */
  send(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.target);
      let answer = '';
      socket.setEncoding('utf8');
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', (cause) =>
        reject(new Error(`HAProxy runtime API at ${this.address} failed on "${command}": ${cause.message}`, { cause })),
      );
      socket.on('close', (hadError) => {
        if (!hadError) resolve(answer);
      });
      socket.end(`${command}\n`);
    });
  }
}

/**
 * The runtime API splits commands on `;` and new lines and arguments on blanks, so a name with any of those
 * would smuggle in another command; HAProxy's own names never contain them.
 */
function checkName(name: string): string {
  if (!/^[\w.:-]+$/.test(name)) throw new Error(`not an HAProxy backend or server name: ${JSON.stringify(name)}`);
  return name;
}

const nameServer = (backend: string, server: string) => `${checkName(backend)}/${checkName(server)}`;
