/**
 * A coordinator played by the test: a real node:http server and a `ws` WebSocketServer on port 0 with the
 * agent gateway's endpoints (enroll, revision download, connect). It records every agent frame and lets a
 * test send frames and wait for answers. Results are acknowledged automatically unless `autoAck` is off.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AgentPaths,
  encodeFrame,
  EnrollRequest,
  parseAgentMessage,
  type AgentMessage,
  type CoordinatorMessage,
  type EventResult,
} from '@baton/shared';

export const ENROLL_TOKEN = 'enroll-secret';
const HOST_ID = 'h-test';
const CREDENTIAL = `${HOST_ID}.credential-secret`;

type Predicate = (message: AgentMessage) => boolean;

export class FakeCoordinator {
  readonly received: AgentMessage[] = [];
  readonly enrollments: EnrollRequest[] = [];
  readonly revisions = new Map<string, Buffer>();
  autoAck = true;
  connections = 0;
  private socket: WebSocket | undefined;
  private waiters: { predicate: Predicate; resolve: (message: AgentMessage) => void }[] = [];
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    private readonly heartbeatIntervalMs: number,
  ) {}

  static async start({ heartbeatIntervalMs = 500 } = {}): Promise<FakeCoordinator> {
    const server = createServer();
    const wss = new WebSocketServer({ server, path: AgentPaths.connect });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const coordinator = new FakeCoordinator(server, wss, `http://127.0.0.1:${port}`, heartbeatIntervalMs);
    server.on('request', (request, response) => void coordinator.serveHttp(request, response));
    wss.on('connection', (socket, request) => coordinator.accept(socket, request));
    return coordinator;
  }

  send(message: CoordinatorMessage | string): void {
    if (this.socket === undefined) throw new Error('no agent connected');
    this.socket.send(typeof message === 'string' ? message : encodeFrame(message));
  }

  /** The first recorded frame matching `predicate`, waiting for it if needed. */
  waitFor(predicate: Predicate, timeoutMs = 30_000): Promise<AgentMessage> {
    const seen = this.received.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an agent frame')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** Waits for the next frame (recorded after this call) matching `predicate`. */
  waitForNext(predicate: Predicate, timeoutMs?: number): Promise<AgentMessage> {
    const count = this.received.length;
    return this.waitFor((message) => this.received.indexOf(message) >= count && predicate(message), timeoutMs);
  }

  async resultOf(commandId: string, timeoutMs?: number): Promise<EventResult> {
    const isResult = (message: AgentMessage): message is EventResult =>
      message.type === 'event-result' && message.commandId === commandId;
    return (await this.waitFor(isResult, timeoutMs)) as EventResult;
  }

  framesOf(type: AgentMessage['type'], commandId: string): AgentMessage[] {
    return this.received.filter((message) => message.type === type && 'commandId' in message && message.commandId === commandId);
  }

  /** Cuts the agent off without a close handshake, as a network failure would. */
  dropConnection(): void {
    this.socket?.terminate();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    if (request.headers.authorization !== `Bearer ${CREDENTIAL}`) {
      socket.close(4401, 'bad credential');
      return;
    }
    this.connections += 1;
    this.socket = socket;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => socket.ping(), this.heartbeatIntervalMs);
    socket.on('message', (data) => {
      const parsed = parseAgentMessage(data.toString());
      if (!parsed.ok) throw new Error(`the agent sent a malformed frame: ${parsed.error}`);
      this.record(parsed.value);
      if (parsed.value.type === 'hello') {
        this.send({ type: 'welcome', hostId: HOST_ID, heartbeatIntervalMs: this.heartbeatIntervalMs });
      }
      if (parsed.value.type === 'event-result' && this.autoAck) {
        this.send({ type: 'result-ack', commandId: parsed.value.commandId });
      }
    });
  }

  private record(message: AgentMessage): void {
    this.received.push(message);
    const matched = this.waiters.filter((waiter) => waiter.predicate(message));
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(message);
  }

  private async serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'POST' && request.url === AgentPaths.enroll) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = EnrollRequest.parse(JSON.parse(Buffer.concat(chunks).toString()));
      if (body.token !== ENROLL_TOKEN) return void response.writeHead(401).end('bad token');
      this.enrollments.push(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ hostId: HOST_ID, credential: CREDENTIAL }));
    }
    const revision = /^\/agent\/v1\/revisions\/([0-9a-f]{64})$/.exec(request.url ?? '');
    const bytes = revision?.[1] === undefined ? undefined : this.revisions.get(revision[1]);
    if (request.method === 'GET' && bytes !== undefined) {
      if (request.headers.authorization !== `Bearer ${CREDENTIAL}`) return void response.writeHead(401).end();
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      return void response.end(bytes);
    }
    response.writeHead(404).end();
  }
}
