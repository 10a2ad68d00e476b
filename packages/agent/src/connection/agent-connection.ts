/**
 * The agent's one WebSocket to the coordinator.
 *
 * Contracts:
 * - Connects with `Authorization: Bearer <credential>` and sends `hello` as soon as the socket opens; the
 *   session is ready when the coordinator answers `welcome`. `send` works only in a ready session and says
 *   whether the frame went out (callers keep what must survive, e.g. results in the journal).
 * - Inbound frames are parsed at this edge: a malformed frame is logged and dropped, never thrown.
 * - Liveness: the coordinator pings at the WebSocket level (ws answers pongs itself). A session that sees no
 *   ping and no frame for 3× the welcome's heartbeatIntervalMs is dead: terminate and reconnect. It is judged
 *   only after the I/O waiting at that moment has been read, so an agent starved of CPU does not drop a live
 *   coordinator whose pings wait unread.
 * - Reconnects forever with `nextReconnectDelay` until `stop()`; the attempt count resets at each welcome.
 */
import { WebSocket } from 'ws';
import {
  encodeFrame,
  MAX_FRAME_BYTES,
  parseCoordinatorMessage,
  type AgentMessage,
  type CoordinatorMessage,
} from '@baton/shared/protocol';
import type { Logger } from '../logging.js';
import { webSocketTlsOptions, type TlsClientOptions } from './coordinator-trust.js';
import { nextReconnectDelay } from './reconnect-policy.js';

type Welcome = Extract<CoordinatorMessage, { type: 'welcome' }>;
export type SessionMessage = Exclude<CoordinatorMessage, Welcome>;
type Hello = Extract<AgentMessage, { type: 'hello' }>;

export interface AgentConnectionOptions {
  url: string;
  credential: string;
  /** How a `wss://` coordinator's certificate is checked; Node's defaults when absent. */
  tls?: TlsClientOptions;
  /** Built at every connect, so the facts are current. */
  hello: () => Hello;
  /** A session was established: a good moment to resend whatever the coordinator may have missed. */
  onSessionReady: (welcome: Welcome) => void;
  onMessage: (message: SessionMessage) => void;
  /** The socket closed (or could not open) while the agent is not stopping; it will reconnect. */
  onSessionLost?: (reason: string) => void;
  logger: Logger;
  random?: () => number;
}

const MISSED_HEARTBEATS = 3;
/** The close code the coordinator's gateway uses for a hello in a protocol it does not speak. */
const PROTOCOL_REFUSED_CLOSE_CODE = 4000;
/** Liveness window between `open` and `welcome`, before the coordinator has named its heartbeat. */
const HANDSHAKE_LIVENESS_MS = 30_000;
const CLOSE_GRACE_MS = 1_000;

export class AgentConnection {
  private socket: WebSocket | undefined;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private livenessMs = HANDSHAKE_LIVENESS_MS;
  private livenessTimer: NodeJS.Timeout | undefined;
  /** When the current socket last showed life (a ping or any frame). */
  private heardAt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AgentConnectionOptions) {}

  start(): void {
    this.connect();
  }

  send(message: AgentMessage): boolean {
    if (!this.ready || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encodeFrame(message));
    return true;
  }

  /**
   * `send` for frames that may be lost (live hook output): also refused while the socket still holds more than
   * `maxBufferedBytes` unsent, so a slow link drops such frames instead of growing the agent's memory.
   */
  sendDroppable(message: AgentMessage, maxBufferedBytes: number): boolean {
    if ((this.socket?.bufferedAmount ?? 0) > maxBufferedBytes) return false;
    return this.send(message);
  }

  /** Closes the session and stops reconnecting; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.livenessTimer);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'agent stopping');
    });
  }

  private connect(): void {
    const { url, credential, logger } = this.options;
    const socket = new WebSocket(url, {
      ...webSocketTlsOptions(this.options.tls ?? {}),
      headers: { authorization: `Bearer ${credential}` },
      handshakeTimeout: HANDSHAKE_LIVENESS_MS,
      maxPayload: MAX_FRAME_BYTES,
    });
    this.socket = socket;
    this.livenessMs = HANDSHAKE_LIVENESS_MS;

    socket.on('open', () => {
      logger.debug({ url }, 'socket open, saying hello');
      this.armLiveness(socket);
      socket.send(encodeFrame(this.options.hello()));
    });
    socket.on('ping', () => this.armLiveness(socket));
    socket.on('message', (data, isBinary) => {
      this.armLiveness(socket);
      if (isBinary) {
        logger.warn('dropped a binary frame from the coordinator');
        return;
      }
      this.receive(data.toString());
    });
    socket.on('error', (error) => logger.warn({ url, err: error.message }, 'connection error'));
    socket.on('close', (code, reason) => {
      clearTimeout(this.livenessTimer);
      this.ready = false;
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      const delay = nextReconnectDelay({ attempt: this.attempt, random: (this.options.random ?? Math.random)() });
      this.attempt += 1;
      const why = reason.toString();
      if (code === PROTOCOL_REFUSED_CLOSE_CODE) {
        // Retrying cannot help until one side is upgraded; say so loudly, and keep retrying for that moment.
        logger.error({ code, reason: why, retryInMs: delay }, `the coordinator refused this agent: ${why}; upgrade the agent or the coordinator`);
      } else {
        logger.info({ code, reason: why, retryInMs: delay }, 'disconnected from the coordinator');
      }
      this.options.onSessionLost?.(why === '' ? `closed with code ${code}` : why);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private receive(raw: string): void {
    const parsed = parseCoordinatorMessage(raw);
    if (!parsed.ok) {
      this.options.logger.warn({ reason: parsed.error, frame: raw.slice(0, 200) }, 'dropped a malformed frame');
      return;
    }
    const message = parsed.value;
    try {
      if (message.type === 'welcome') this.welcome(message);
      else this.options.onMessage(message);
    } catch (error) {
      // A throwing handler is an agent bug; the session itself is fine, so log it and keep going.
      this.options.logger.error({ err: error, type: message.type }, 'message handler failed');
    }
  }

  private welcome(welcome: Welcome): void {
    this.attempt = 0;
    this.ready = true;
    this.livenessMs = MISSED_HEARTBEATS * welcome.heartbeatIntervalMs;
    if (this.socket !== undefined) this.armLiveness(this.socket);
    this.options.logger.info('connected to the coordinator');
    this.options.onSessionReady(welcome);
  }

  private armLiveness(socket: WebSocket): void {
    this.heardAt = Date.now();
    clearTimeout(this.livenessTimer);
    this.livenessTimer = setTimeout(() => this.judgeLiveness(socket), this.livenessMs);
  }

  private judgeLiveness(socket: WebSocket): void {
    // After a stall (the agent starved of CPU, a long pause) timers run before the I/O that arrived meanwhile:
    // pings may wait unread. setImmediate runs after this turn's polling has read them (and re-armed the timer).
    setImmediate(() => {
      if (this.socket !== socket) return;
      const silentForMs = Date.now() - this.heardAt;
      if (silentForMs < this.livenessMs) return;
      this.options.logger.warn({ silentForMs }, 'coordinator went silent; reconnecting');
      socket.terminate();
    });
  }
}
