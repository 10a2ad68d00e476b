/**
 * The agent gateway: authenticates agents at the WebSocket upgrade with their host credential, keeps one
 * session per host, pings every heartbeat interval and drops a session that misses two pongs. Inbound frames
 * are parsed into results at the edge; a malformed frame is logged and dropped, never thrown into the core.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AgentPaths,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  encodeFrame,
  parseAgentMessage,
  type AgentMessage,
  type CoordinatorMessage,
  type EventResult,
  type HealthStatus,
  type HookOutput,
  type HostMetricsSample,
  type UpgradeStatus,
} from '@baton/shared';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { recordRefusal } from '../access/record-refusal.js';
import { retryAfterSeconds, type RateLimiter } from '../http/rate-limit.js';
import type { Database } from '../store/database.js';
import { authenticateHost, listHosts, recordHostHello, setHostOnline } from '../store/hosts.js';

/** What the gateway tells the rest of the coordinator. */
export interface GatewayHandlers {
  onConnectivity(hostId: string, online: boolean): void;
  /** Returns whether the result was accepted (the agent then gets a `result-ack`). */
  onEventResult(hostId: string, result: EventResult): boolean;
  onHostMetrics(hostId: string, sample: HostMetricsSample): void;
  /** An agent's health-check verdict for one deployment (sent once per watch; not acknowledged). */
  onHealthStatus(hostId: string, status: HealthStatus): void;
  /** An agent's answer to `upgrade-agent`, or its report of a failed upgrade it fell back from. */
  onUpgradeStatus(hostId: string, status: UpgradeStatus): void;
  /** Live hook output; returns false when the command is not this host's (the batch is then dropped). */
  onHookOutput(hostId: string, output: HookOutput): boolean;
}

export interface GatewayOptions {
  readonly heartbeatIntervalMs: number;
  /** The largest frame an agent may send (the socket is closed with 1009 past it); MAX_FRAME_BYTES by default. */
  readonly maxFrameBytes?: number;
  /** Refuses upgrades from an address over its rate; charges refused credentials (see http/rate-limit.ts). */
  readonly rateLimiter?: RateLimiter;
}

/** A heartbeat tick this much later than the interval says the gateway itself was stalled, not the agents. */
const STALLED_TICK_FACTOR = 1.5;

interface Session {
  readonly socket: WebSocket;
  alive: boolean;
  /** Said hello with a protocol this coordinator speaks. */
  ready: boolean;
}

export class AgentGateway {
  private readonly server: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  /**
   * Hosts reported online (to the store and the runner) and not yet reported offline. A host stays here while
   * a new session replaces its old one, so whichever session ends last reports it offline.
   */
  private readonly online = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  private lastPingAt = Date.now();
  private handlers: GatewayHandlers | undefined;

  constructor(
    httpServer: Server,
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: GatewayOptions,
  ) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });
    // No agent is connected to a gateway that is just starting: hosts still marked online were left so by a
    // previous coordinator process that ended (or was killed) with their sessions open.
    for (const host of listHosts(db)) if (host.online) setHostOnline(db, host.id, false, new Date());
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.heartbeat = setInterval(() => this.pingAll(), options.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Set once the runner exists (the runner also needs the gateway to send). */
  attach(handlers: GatewayHandlers): void {
    this.handlers = handlers;
  }

  isConnected(hostId: string): boolean {
    return this.sessions.get(hostId)?.ready ?? false;
  }

  send(hostId: string, message: CoordinatorMessage): boolean {
    const session = this.sessions.get(hostId);
    if (!session || session.socket.readyState !== session.socket.OPEN) return false;
    session.socket.send(encodeFrame(message));
    return true;
  }

  /**
   * Ends a deregistered host's session (close code 4001). Its close handler reports it offline as usual; the
   * agent's reconnects are refused, its credential no longer authenticating.
   */
  disconnect(hostId: string): void {
    this.sessions.get(hostId)?.socket.close(4001, 'host deregistered');
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const session of this.sessions.values()) session.socket.terminate();
    this.sessions.clear();
    this.online.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== AgentPaths.connect) return refuse(socket, 404, 'Not Found');
    const address = request.socket.remoteAddress;
    const waitMs = address === undefined ? 0 : (this.options.rateLimiter?.wait(address) ?? 0);
    if (waitMs > 0) return refuse(socket, 429, 'Too Many Requests', `Retry-After: ${retryAfterSeconds(waitMs)}\r\n`);
    const credential = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const host = credential ? authenticateHost(this.db, credential) : undefined;
    if (!host) {
      this.logger.warn({ remote: address }, 'agent connection refused: bad credential');
      if (address !== undefined) this.options.rateLimiter?.charge(address);
      const forwardedFor = request.headers['x-forwarded-for'];
      recordRefusal(this.db, {
        channel: 'agent',
        action: `GET ${AgentPaths.connect}`,
        status: 401,
        presented: credential,
        address,
        forwardedFor: Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor,
        at: new Date(),
      });
      return refuse(socket, 401, 'Unauthorized');
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.open(host.id, ws));
  }

  private open(hostId: string, socket: WebSocket): void {
    // A host has one session: a reconnect replaces a half-dead previous one.
    this.sessions.get(hostId)?.socket.terminate();
    const session: Session = { socket, alive: true, ready: false };
    this.sessions.set(hostId, session);
    const log = this.logger.child({ hostId });

    socket.on('pong', () => (session.alive = true));
    socket.on('message', (data, isBinary) => {
      session.alive = true;
      if (isBinary) return log.warn('binary frame dropped');
      const text = data.toString();
      const parsed = parseAgentMessage(text);
      if (parsed.ok) return this.receive(hostId, session, parsed.value, log);
      // An agent of another protocol wraps its hello in its own envelope, which our catalog cannot read.
      const foreign = foreignHelloVersion(text);
      if (foreign !== undefined) return refuseProtocol(socket, foreign, log);
      log.warn({ reason: parsed.error }, 'malformed frame dropped');
    });
    socket.on('close', () => {
      if (this.sessions.get(hostId) !== session) return;
      this.sessions.delete(hostId);
      if (!this.online.delete(hostId)) return;
      setHostOnline(this.db, hostId, false, new Date());
      log.info('agent disconnected');
      this.handlers?.onConnectivity(hostId, false);
    });
    socket.on('error', (error) => log.warn({ err: error }, 'agent socket error'));
    socket.send(encodeFrame({ type: 'welcome', hostId, heartbeatIntervalMs: this.options.heartbeatIntervalMs }));
  }

  private receive(hostId: string, session: Session, message: AgentMessage, log: Logger): void {
    const { socket } = session;
    switch (message.type) {
      case 'hello':
        if (message.protocolVersion !== PROTOCOL_VERSION) return refuseProtocol(socket, message.protocolVersion, log);
        recordHostHello(this.db, hostId, message.facts, message.agentVersion, new Date());
        setHostOnline(this.db, hostId, true, new Date());
        session.ready = true;
        this.online.add(hostId);
        log.info({ agentVersion: message.agentVersion }, 'agent connected');
        // Online only after hello: the redelivered commands then reach an agent that is ready for them.
        this.handlers?.onConnectivity(hostId, true);
        return;
      case 'event-started':
        return;
      case 'event-result':
        if (this.handlers?.onEventResult(hostId, message)) {
          socket.send(encodeFrame({ type: 'result-ack', commandId: message.commandId }));
        } else {
          log.warn({ commandId: message.commandId }, 'result for a command of another host refused');
        }
        return;
      case 'host-metrics':
        this.handlers?.onHostMetrics(hostId, message.sample);
        return;
      case 'health-status':
        this.handlers?.onHealthStatus(hostId, message);
        return;
      case 'self-check':
        // Logged for the operator; the host's own `baton-agent status` shows the checks in detail.
        if (message.healthy) log.info({ at: message.at }, 'agent self-check passed');
        else log.warn({ at: message.at, problems: message.problems }, `agent self-check failed: ${message.problems.join('; ')}`);
        return;
      case 'hook-output':
        if (this.handlers && !this.handlers.onHookOutput(hostId, message)) {
          log.warn({ commandId: message.commandId }, 'hook output for a command of another host refused');
        }
        return;
      case 'upgrade-status':
        log.info({ version: message.version, state: message.state }, `agent upgrade: ${message.message}`);
        this.handlers?.onUpgradeStatus(hostId, message);
        return;
    }
  }

  private pingAll(): void {
    // A tick that comes late means this process was stalled (starved of CPU, a long pause): pongs that arrived
    // meanwhile still wait unread in the sockets, because timers run before I/O. Silence proves nothing then;
    // the sessions are pinged again and judged on the next tick.
    const now = Date.now();
    const stalled = now - this.lastPingAt > this.options.heartbeatIntervalMs * STALLED_TICK_FACTOR;
    this.lastPingAt = now;
    for (const session of this.sessions.values()) {
      if (!session.alive && !stalled) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }
}

/** The envelope version of a hello that is not in this coordinator's protocol; undefined for any other frame. */
function foreignHelloVersion(text: string): unknown {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null) return undefined;
  const { v, type } = frame as { v?: unknown; type?: unknown };
  return type === 'hello' && v !== PROTOCOL_VERSION ? v : undefined;
}

/** Close code 4000: this agent and this coordinator cannot talk; reconnecting with the same version will not help. */
function refuseProtocol(socket: WebSocket, version: unknown, log: Logger): void {
  log.warn({ protocolVersion: version }, 'agent speaks an incompatible protocol');
  socket.close(4000, `protocol ${String(version).slice(0, 16)} is not supported; this coordinator speaks ${PROTOCOL_VERSION}`);
}

function refuse(socket: Duplex, status: number, reason: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}
