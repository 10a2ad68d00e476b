import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, parseAgentMessage, PROTOCOL_VERSION, type AgentMessage } from '@baton/shared';
import { AgentConnection, type SessionMessage } from './agent-connection.js';

const HELLO = {
  type: 'hello',
  agentVersion: '0.0.0-test',
  protocolVersion: PROTOCOL_VERSION,
  facts: { hostname: 'h', platform: 'linux', os: 'test', arch: 'x64', release: '1' },
} as const;

/** A coordinator that welcomes with a 100 ms heartbeat and pings every 50 ms; prints its port. */
const PINGING_COORDINATOR = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => console.log(wss.address().port));
wss.on('connection', (socket) => {
  socket.send(${JSON.stringify(encodeFrame({ type: 'welcome', hostId: 'h-1', heartbeatIntervalMs: 100 }))});
  setInterval(() => socket.ping(), 50);
});
`;

/** Keeps this thread busy, as a host starved of CPU would. */
function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

interface Session {
  socket: WebSocket;
  authorization: string | undefined;
  frames: AgentMessage[];
}

describe('AgentConnection', () => {
  let wss: WebSocketServer;
  let url: string;
  let sessions: Session[];
  let connection: AgentConnection | undefined;
  const received: SessionMessage[] = [];
  let ready = 0;

  beforeEach(async () => {
    sessions = [];
    received.length = 0;
    ready = 0;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent/v1/connect`;
    wss.on('connection', (socket, request) => {
      const session: Session = { socket, authorization: request.headers.authorization, frames: [] };
      sessions.push(session);
      socket.on('message', (data) => {
        const parsed = parseAgentMessage(data.toString());
        if (parsed.ok) session.frames.push(parsed.value);
      });
    });
  });

  afterEach(async () => {
    await connection?.stop();
    connection = undefined;
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  const connect = () => {
    connection = new AgentConnection({
      url,
      credential: 'h-1.secret',
      hello: () => HELLO,
      onSessionReady: () => (ready += 1),
      onMessage: (message) => received.push(message),
      logger: pino({ level: 'silent' }),
      random: () => 0,
    });
    connection.start();
  };

  const welcome = (session: Session, heartbeatIntervalMs = 10_000) =>
    session.socket.send(encodeFrame({ type: 'welcome', hostId: 'h-1', heartbeatIntervalMs }));

  it('says loudly when the coordinator refuses its protocol, tells the session is lost, and keeps retrying', async () => {
    const lines: { level: number; msg: string }[] = [];
    const lost: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    connection = new AgentConnection({
      url,
      credential: 'h-1.secret',
      hello: () => HELLO,
      onSessionReady: () => undefined,
      onMessage: () => undefined,
      onSessionLost: (reason) => lost.push(reason),
      logger,
      random: () => 0,
    });
    connection.start();
    await expect.poll(() => sessions[0]?.frames.length).toBe(1);
    sessions[0]!.socket.close(4000, 'protocol 1 is not supported; this coordinator speaks 2');
    await expect.poll(() => lost).toEqual(['protocol 1 is not supported; this coordinator speaks 2']);
    expect(lines.find((line) => line.level === 50)?.msg).toBe(
      'the coordinator refused this agent: protocol 1 is not supported; this coordinator speaks 2; upgrade the agent or the coordinator',
    );
    await expect.poll(() => sessions.length, { timeout: 5_000 }).toBe(2);
  });

  it('authenticates, says hello, and sends only once the session is welcomed', async () => {
    connect();
    await expect.poll(() => sessions[0]?.frames.length).toBe(1);
    const [session] = sessions as [Session];
    expect(session.authorization).toBe('Bearer h-1.secret');
    expect(session.frames).toEqual([HELLO]);

    const started = { type: 'event-started', commandId: 'c-1', startTime: new Date().toISOString() } as const;
    expect(connection!.send(started)).toBe(false);
    welcome(session);
    await expect.poll(() => ready).toBe(1);
    expect(connection!.send(started)).toBe(true);
    await expect.poll(() => session.frames).toEqual([HELLO, started]);
  });

  it('drops malformed frames and keeps dispatching the valid ones', async () => {
    connect();
    await expect.poll(() => sessions.length).toBe(1);
    const [session] = sessions as [Session];
    welcome(session);
    session.socket.send('not json');
    session.socket.send(JSON.stringify({ v: 99, type: 'result-ack', commandId: 'x' }));
    session.socket.send(encodeFrame({ type: 'result-ack', commandId: 'c-1' }));
    await expect.poll(() => received).toEqual([{ type: 'result-ack', commandId: 'c-1' }]);
    expect(sessions).toHaveLength(1);
  });

  it('treats a coordinator silent for 3 heartbeats as dead and reconnects', async () => {
    connect();
    await expect.poll(() => sessions.length).toBe(1);
    const startedAt = Date.now();
    welcome(sessions[0]!, 100);
    await expect.poll(() => sessions.length, { timeout: 5_000 }).toBe(2);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    await expect.poll(() => sessions[1]?.frames).toEqual([HELLO]);
  });

  it('stays connected while the coordinator pings', async () => {
    connect();
    await expect.poll(() => sessions.length).toBe(1);
    const [session] = sessions as [Session];
    welcome(session, 100);
    const pinger = setInterval(() => session.socket.ping(), 50);
    await new Promise((resolve) => setTimeout(resolve, 600));
    clearInterval(pinger);
    expect(sessions).toHaveLength(1);
  });

  it('keeps a live coordinator after the agent was starved of CPU for longer than the silence window', async () => {
    // The coordinator runs in its own process, so it keeps pinging while this one is blocked.
    const coordinator = spawn(process.execPath, ['-e', PINGING_COORDINATOR], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [port] = (await once(coordinator.stdout, 'data')) as [Buffer];
      const lost: string[] = [];
      connection = new AgentConnection({
        url: `ws://127.0.0.1:${port.toString().trim()}/`,
        credential: 'h-1.secret',
        hello: () => HELLO,
        onSessionReady: () => (ready += 1),
        onMessage: () => undefined,
        onSessionLost: (reason) => lost.push(reason),
        logger: pino({ level: 'silent' }),
      });
      connection.start();
      await expect.poll(() => ready).toBe(1);
      blockFor(1_000); // more than 3 heartbeats of 100 ms: the silence timer comes due while the pings wait unread
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(lost).toEqual([]);
      expect(ready).toBe(1);
    } finally {
      coordinator.kill();
    }
  });

  it('reconnects after the coordinator drops it, and stops for good on stop()', async () => {
    connect();
    await expect.poll(() => sessions.length).toBe(1);
    sessions[0]!.socket.terminate();
    await expect.poll(() => sessions.length).toBe(2);
    await connection!.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sessions).toHaveLength(2);
    expect(wss.clients.size).toBe(0);
  });
});
