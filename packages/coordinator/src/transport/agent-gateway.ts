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
  type HostMetricsSample,
  type UpgradeStatus,
} from '@baton/shared';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
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
}

export interface GatewayOptions {
  readonly heartbeatIntervalMs: number;
}

interface Session {
  readonly socket: WebSocket;
  alive: boolean;
  /** Said hello with a protocol this coordinator speaks. */
  ready: boolean;
}

export class AgentGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sessions = new Map<string, Session>();
  /**
   * Hosts reported online (to the store and the runner) and not yet reported offline. A host stays here while
   * a new session replaces its old one, so whichever session ends last reports it offline.
   */
  private readonly online = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  private handlers: GatewayHandlers | undefined;
  /** Each host's answer to its last `upgrade-agent`, for `baton hosts upgrade` (lost on restart, which is fine: it retries). */
  private readonly upgradeAnswers = new Map<string, UpgradeStatus>();

  constructor(
    httpServer: Server,
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: GatewayOptions,
  ) {
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

  lastUpgradeStatus(hostId: string): UpgradeStatus | undefined {
    return this.upgradeAnswers.get(hostId);
  }

  send(hostId: string, message: CoordinatorMessage): boolean {
    const session = this.sessions.get(hostId);
    if (!session || session.socket.readyState !== session.socket.OPEN) return false;
    session.socket.send(encodeFrame(message));
    return true;
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
    const credential = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const host = credential ? authenticateHost(this.db, credential) : undefined;
    if (!host) {
      this.logger.warn({ remote: request.socket.remoteAddress }, 'agent connection refused: bad credential');
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
      case 'upgrade-status':
        this.upgradeAnswers.set(hostId, message);
        log.info({ version: message.version, state: message.state }, `agent upgrade: ${message.message}`);
        return;
    }
  }

  private pingAll(): void {
    for (const session of this.sessions.values()) {
      if (!session.alive) {
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

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
