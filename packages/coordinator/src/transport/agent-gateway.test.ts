import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentPaths,
  PROTOCOL_VERSION,
  encodeFrame,
  parseCoordinatorMessage,
  type AgentMessage,
  type CoordinatorMessage,
} from '@baton/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { parseServerConfig } from '../config.js';
import type { HostView } from '../http/views.js';
import { deploymentService } from '../runner/deployment-service.js';
import { startServer, type RunningServer } from '../server.js';
import { enrollHost } from '../store/hosts.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { seedDeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { eventResult } from '../testing/fake-fleet.test-support.js';

const HEARTBEAT_MS = 100;
const HELLO: AgentMessage = {
  type: 'hello',
  agentVersion: '0.0.0-test',
  protocolVersion: PROTOCOL_VERSION,
  facts: { hostname: 'web-1', platform: 'linux', os: 'test', arch: 'x64', release: '1' },
};

/** A real `ws` client speaking the agent protocol, with the frames it received. */
interface TestAgent {
  readonly socket: WebSocket;
  readonly received: CoordinatorMessage[];
  send(message: AgentMessage): void;
  /** Resolves with the first received frame (from the start) that matches. */
  next<T extends CoordinatorMessage['type']>(type: T): Promise<Extract<CoordinatorMessage, { type: T }>>;
  readonly closed: Promise<{ code: number; at: number }>;
}

describe('AgentGateway', () => {
  let dir: string;
  let server: RunningServer;
  let adminToken: string;
  let agents: WebSocket[];
  let host: { id: string; credential: string };
  let resources: string[];

  beforeEach(async () => {
    resources = activeResources();
    dir = mkdtempSync(join(tmpdir(), 'baton-gateway-'));
    server = await startCoordinator();
    adminToken = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    agents = [];
    const enrolled = enrollHost(server.db, { name: 'web-1', tags: {} }, new Date());
    host = { id: enrolled.host.id, credential: enrolled.credential };
  });
  afterEach(async () => {
    for (const socket of agents) socket.terminate();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    await expectNothingLeaked(resources);
  });

  const startCoordinator = (): Promise<RunningServer> => {
    const config = parseServerConfig({ dataDir: dir, listen: '127.0.0.1:0', heartbeatIntervalMs: HEARTBEAT_MS });
    if (!config.ok) throw new Error(config.error);
    return startServer(config.value, { logger: pino({ level: 'silent' }), print: () => undefined, services: [deploymentService] });
  };
  const connectUrl = () => `${server.url.replace(/^http/, 'ws')}${AgentPaths.connect}`;

  const connect = async (credential: string, options: { autoPong?: boolean } = {}): Promise<TestAgent> => {
    const socket = new WebSocket(connectUrl(), { headers: { authorization: `Bearer ${credential}` }, ...options });
    agents.push(socket);
    const received: CoordinatorMessage[] = [];
    socket.on('message', (data) => {
      const parsed = parseCoordinatorMessage(data.toString());
      if (!parsed.ok) throw new Error(`the coordinator sent a malformed frame: ${parsed.error}`);
      received.push(parsed.value);
    });
    const closed = new Promise<{ code: number; at: number }>((resolve) => socket.on('close', (code) => resolve({ code, at: Date.now() })));
    await once(socket, 'open');
    return {
      socket,
      received,
      closed,
      send: (message) => socket.send(encodeFrame(message)),
      next: async (type) => {
        await vi.waitFor(() => expect(received.some((m) => m.type === type)).toBe(true), { timeout: 2000, interval: 5 });
        return received.find((m) => m.type === type) as never;
      },
    };
  };

  /** The status of a refused upgrade. */
  const refusal = (url: string, headers: Record<string, string> = {}): Promise<number> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });

  /** Whether `GET /api/v1/hosts` shows the host online. */
  const hostOnline = async (hostId = host.id): Promise<boolean> => {
    const response = await fetch(`${server.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${adminToken}` } });
    const hosts = (await response.json()) as HostView[];
    return hosts.find((view) => view.hostId === hostId)!.online;
  };
  const eventuallyOnline = (online: boolean, hostId = host.id) =>
    vi.waitFor(async () => expect(await hostOnline(hostId)).toBe(online), { timeout: 2000, interval: 10 });

  it('refuses an upgrade without a credential or with a wrong one (401), and on another path (404)', async () => {
    expect(await refusal(connectUrl())).toBe(401);
    expect(await refusal(connectUrl(), { authorization: `Bearer ${host.id}.wrong-secret` })).toBe(401);
    expect(await refusal(connectUrl(), { authorization: 'Bearer garbage' })).toBe(401);
    expect(await refusal(connectUrl(), { authorization: host.credential })).toBe(401);
    expect(await refusal(`${server.url.replace(/^http/, 'ws')}/agent/v1/other`, { authorization: `Bearer ${host.credential}` })).toBe(404);
  });

  it('welcomes an enrolled host, marks it online at hello and offline when it goes away', async () => {
    const agent = await connect(host.credential);
    expect(await agent.next('welcome')).toEqual({ type: 'welcome', hostId: host.id, heartbeatIntervalMs: HEARTBEAT_MS });
    expect(await hostOnline()).toBe(false);

    agent.send(HELLO);
    await eventuallyOnline(true);

    agent.socket.close();
    await eventuallyOnline(false);
  });

  it('starts with every host offline, whatever a previous coordinator left behind', async () => {
    const agent = await connect(host.credential);
    agent.send(HELLO);
    await eventuallyOnline(true);
    // The session ends with the coordinator (closed here; killed, it would not have written anything either).
    await server.close();
    server = await startCoordinator();
    expect(await hostOnline()).toBe(false);
  });

  it('drops a host that stops answering pings within about two heartbeats', async () => {
    const agent = await connect(host.credential, { autoPong: false });
    agent.send(HELLO);
    await eventuallyOnline(true);
    const silentFrom = Date.now();

    const { at } = await agent.closed;
    expect(at - silentFrom).toBeLessThan(HEARTBEAT_MS * 3);
    await eventuallyOnline(false);
  });

  it('keeps a host that answers pings', async () => {
    const agent = await connect(host.credential);
    agent.send(HELLO);
    await eventuallyOnline(true);
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 4));
    expect(agent.socket.readyState).toBe(WebSocket.OPEN);
    expect(await hostOnline()).toBe(true);
  });

  it('keeps a host whose pong came while the coordinator was stalled: a late heartbeat tick judges no one', async () => {
    const agent = await connect(host.credential);
    agent.send(HELLO);
    await eventuallyOnline(true);
    // Client and coordinator share this process: stalled right after a ping, the pong waits unread in the socket
    // while the late heartbeat tick runs (timers run before I/O).
    await once(agent.socket, 'ping');
    const stalledUntil = Date.now() + HEARTBEAT_MS * 3;
    while (Date.now() < stalledUntil) {
      // busy: nothing else runs
    }
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
    expect(agent.socket.readyState).toBe(WebSocket.OPEN);
    expect(await hostOnline()).toBe(true);
  });

  it.each([
    ['in its envelope', JSON.stringify({ ...HELLO, v: PROTOCOL_VERSION + 1, protocolVersion: PROTOCOL_VERSION + 1 })],
    ['in the hello only', encodeFrame({ ...HELLO, protocolVersion: PROTOCOL_VERSION + 1 })],
  ])('closes with 4000 when an agent says hello in a protocol it does not speak (%s)', async (_where, frame) => {
    const agent = await connect(host.credential);
    agent.socket.send(frame);
    expect((await agent.closed).code).toBe(4000);
    expect(await hostOnline()).toBe(false);
  });

  it('drops malformed frames and keeps the session', async () => {
    const agent = await connect(host.credential);
    agent.socket.send('not json');
    agent.socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'no-such-message' }));
    agent.socket.send(JSON.stringify({ v: 99, type: 'event-started', commandId: 'x', startTime: new Date().toISOString() }));
    agent.socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello' }));
    agent.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    agent.send(HELLO);
    await eventuallyOnline(true);
    expect(agent.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('replaces the first connection of a host by its second', async () => {
    const first = await connect(host.credential);
    first.send(HELLO);
    await eventuallyOnline(true);

    const second = await connect(host.credential);
    await first.closed;
    second.send(HELLO);
    await second.next('welcome');
    // The old session's end does not take the host offline: the new one holds it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await hostOnline()).toBe(true);
    expect(second.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('marks the host offline when the connection that replaced a ready one goes away before its hello', async () => {
    const first = await connect(host.credential);
    first.send(HELLO);
    await eventuallyOnline(true);

    const second = await connect(host.credential);
    await first.closed;
    second.socket.close();
    await eventuallyOnline(false);
  });

  it("acknowledges results of the host's own commands only", async () => {
    const other = enrollHost(server.db, { name: 'web-2', tags: {} }, new Date()).host;
    const agent = await connect(host.credential);
    agent.send(HELLO);
    await eventuallyOnline(true);

    agent.send(eventResult(`d-someone.${other.id}.ApplicationStop`, 'Succeeded', Date.now()));
    agent.send(eventResult(`d-mine.${host.id}.ApplicationStop`, 'Succeeded', Date.now()));
    await agent.next('result-ack');
    // Frames are handled in order: had the first been acknowledged, its ack would have come first.
    expect(agent.received.filter((m) => m.type === 'result-ack')).toEqual([{ type: 'result-ack', commandId: `d-mine.${host.id}.ApplicationStop` }]);
  });

  it('carries a deployment to a connected agent and acknowledges each result', async () => {
    const fixture = seedDeploymentFixture(server.db, new Date(), { hostCount: 1, applicationName: 'shop' });
    const agent = await connect(fixture.hosts[0]!.credential);
    agent.send(HELLO);
    await eventuallyOnline(true, fixture.hosts[0]!.id);

    const created = await fetch(`${server.url}/api/v1/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ applicationName: 'shop', deploymentGroupName: 'prod', revisionId: fixture.revisions[0]!.id }),
    });
    const { deploymentId } = (await created.json()) as { deploymentId: string };

    for (let answered = 0; answered < 7; answered++) {
      const command = await vi.waitFor(() => {
        const runs = agent.received.filter((m) => m.type === 'run-event');
        expect(runs.length).toBeGreaterThan(answered);
        return runs[answered]!;
      }, { timeout: 2000, interval: 5 });
      agent.send(eventResult(command.commandId, 'Succeeded', Date.now()));
      await vi.waitFor(() => expect(agent.received).toContainEqual({ type: 'result-ack', commandId: command.commandId }), {
        timeout: 2000,
        interval: 5,
      });
    }
    const response = await fetch(`${server.url}/api/v1/deployments/${deploymentId}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(await response.json()).toMatchObject({ status: 'Succeeded' });
  });

  describe('agent upgrades', () => {
    const upgrade = (hostId: string, method: 'POST' | 'GET' = 'POST') =>
      fetch(`${server.url}/api/v1/hosts/${hostId}/upgrade`, { method, headers: { authorization: `Bearer ${adminToken}` } });

    it('refuses an unknown host (404) and one that is not connected (409 HOST_OFFLINE)', async () => {
      expect((await upgrade('h-unknown')).status).toBe(404);
      const offline = await upgrade(host.id);
      expect(offline.status).toBe(409);
      expect(await offline.json()).toMatchObject({ code: 'HOST_OFFLINE' });
    });

    it('sends a connected agent the package to upgrade to, and shows its answer', async () => {
      const agent = await connect(host.credential);
      agent.send(HELLO);
      await eventuallyOnline(true);
      const sent = await upgrade(host.id);
      expect(sent.status).toBe(202);
      const { version, requested } = (await sent.json()) as { version: string; requested: boolean };
      expect(requested).toBe(true);
      const command = await agent.next('upgrade-agent');
      expect(command).toMatchObject({ version, packageUrl: expect.stringMatching(/\/install\/agent\.tgz$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

      agent.send({ type: 'upgrade-status', version, state: 'refused', message: 'not a versioned install' });
      await vi.waitFor(async () => {
        const shown = (await (await upgrade(host.id, 'GET')).json()) as { lastUpgrade: { state: string } | null };
        expect(shown.lastUpgrade).toMatchObject({ state: 'refused', version, message: 'not a versioned install' });
      }, { timeout: 2000, interval: 10 });
    });
  });
});
