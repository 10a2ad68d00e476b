/**
 * Fuzzing the agent gateway with a hostile agent. Two hosts are enrolled and take part in one deployment: the
 * victim's agent behaves (it holds its command and never answers), the fuzzer's agent sends whatever fast-check
 * makes of the protocol (random JSON, valid frames with fields mutated, huge strings, wrong types, results and
 * output for the victim's commands, binary frames, invalid UTF-8, frames past the size limit). Through it all
 * the coordinator must not crash, must not answer the API with a 500, and must not record anything the fuzzer
 * forged for the victim; it may close the fuzzer's socket, which then reconnects.
 */
import { once } from 'node:events';
import {
  AgentMessage,
  AgentPaths,
  encodeFrame,
  MAX_FRAME_BYTES,
  parseCoordinatorMessage,
  PROTOCOL_VERSION,
  type CoordinatorMessage,
} from '@baton/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DeploymentView } from '../../packages/coordinator/src/store/deployment-read-model.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../../packages/coordinator/src/testing/deployment-fixture.test-support.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzzRuns } from '../harness/long-form.js';
import { startFuzzCoordinator, type FuzzCoordinator } from './support/fuzz-coordinator.js';
import { hostileValue, mutated } from './support/hostile-json.js';
import { failOnProcessFaults } from './support/process-faults.js';
import { PROTOCOL_OVERRIDES } from './support/protocol-values.js';
import { arbitraryFor } from './support/zod-arbitrary.js';

const RUNS = fuzzRuns(150, 3000);
/** Written into everything forged for the victim: it must never show up in the victim's records. */
const FORGED = 'forged-by-the-fuzzing-agent';
/** Waits for the coordinator, generous: the machine is shared. */
const WAIT_MS = 15_000;

const HELLO = {
  type: 'hello',
  agentVersion: '0.0.0-fuzz',
  protocolVersion: PROTOCOL_VERSION,
  facts: { hostname: 'fuzz', platform: 'linux', os: 'test', arch: 'x64', release: '1' },
} as const;

// ---- frames ------------------------------------------------------------------------------------------------

/**
 * Frames name commands symbolically, resolved when sent: the fuzzer's own current command, the victim's
 * current one, one the victim has not been sent yet, the deployment.
 */
const Placeholder = { own: '@own', victim: '@victim', victimLater: '@victim-later', deployment: '@deployment' } as const;

type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'invalid-utf8'; bytes: Uint8Array }
  | { kind: 'oversized' };

const commandRef = fc.oneof(
  fc.constantFrom<string>(Placeholder.own, Placeholder.victim, Placeholder.victimLater),
  fc.string({ maxLength: 40 }),
);
const isoNow = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

/** Any agent message, with its command and deployment ids pointed at this cluster's. */
const agentMessage = fc
  .tuple(arbitraryFor(AgentMessage, { overrides: PROTOCOL_OVERRIDES }), commandRef, fc.boolean())
  .map(([message, commandId, sameDeployment]) => {
    const fields = message as Record<string, unknown>;
    return {
      ...fields,
      ...('commandId' in fields ? { commandId } : {}),
      ...('deploymentId' in fields && sameDeployment ? { deploymentId: Placeholder.deployment } : {}),
    };
  });

/** A result for the fuzzer's own command, as a real agent would send it: these must get through. */
const ownResult = fc.record({
  type: fc.constant('event-result'),
  commandId: fc.constant(Placeholder.own),
  status: fc.constantFrom('Succeeded', 'Failed'),
  startTime: isoNow,
  endTime: isoNow,
  diagnostics: fc.constant({ errorCode: 'Success', message: '', logTail: '' }),
});

/** Well-formed claims about the victim's commands, each carrying the FORGED mark. */
const forgery = fc.oneof(
  fc.record({
    type: fc.constant('event-result'),
    commandId: fc.constantFrom(Placeholder.victim, Placeholder.victimLater),
    status: fc.constantFrom('Succeeded', 'Failed'),
    startTime: isoNow,
    endTime: isoNow,
    diagnostics: fc.constantFrom(
      { errorCode: 'Success', message: FORGED, logTail: FORGED },
      { errorCode: 'ScriptFailed', scriptName: FORGED, message: FORGED, logTail: FORGED.repeat(1000) },
    ),
  }),
  fc.record({
    type: fc.constant('hook-output'),
    commandId: fc.constantFrom(Placeholder.victim, Placeholder.victimLater),
    seq: fc.nat(),
    lines: fc.array(fc.record({ stream: fc.constantFrom('stdout', 'stderr', 'agent'), text: fc.constant(FORGED), at: isoNow }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('event-started'), commandId: fc.constant(Placeholder.victim), startTime: isoNow }),
);

const inEnvelope = (message: object) => ({ v: PROTOCOL_VERSION, ...message });

/** A forged success for the victim's current command, with a log tail of the given size. */
const victimSuccessWithTail = (logTailChars: number): string =>
  JSON.stringify(
    inEnvelope({
      type: 'event-result',
      commandId: Placeholder.victim,
      status: 'Succeeded',
      startTime: new Date(0).toISOString(),
      endTime: new Date(0).toISOString(),
      diagnostics: { errorCode: 'Success', message: FORGED, logTail: 'x'.repeat(logTailChars) },
    }),
  );

/** Huge, yet within the frame limit. */
const HUGE_FORGERY = victimSuccessWithTail(Math.floor(MAX_FRAME_BYTES * 0.9));
/** Past the frame limit: the coordinator closes the socket (1009). */
const OVERSIZED_FORGERY = victimSuccessWithTail(MAX_FRAME_BYTES);

const textFrame = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 100 }) },
    { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 4, arbitrary: hostileValue.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 4, arbitrary: agentMessage.map((message) => JSON.stringify(inEnvelope(message))) },
    { weight: 4, arbitrary: forgery.map((message) => JSON.stringify(inEnvelope(message))) },
    { weight: 2, arbitrary: ownResult.map((message) => JSON.stringify(inEnvelope(message))) },
    { weight: 8, arbitrary: mutated(fc.oneof(agentMessage, forgery).map(inEnvelope)).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: fc.constant(HUGE_FORGERY) },
  )
  .map((text): Frame => ({ kind: 'text', text }));

const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 20, arbitrary: textFrame },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Frame => ({ kind: 'binary', bytes })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((bytes): Frame => ({ kind: 'invalid-utf8', bytes: Uint8Array.from([0x7b, 0xc3, 0x28, ...bytes, 0xff]) })) },
  { weight: 1, arbitrary: fc.constant<Frame>({ kind: 'oversized' }) },
);

// ---- agents ------------------------------------------------------------------------------------------------

/** A `ws` client holding a host's session; it says hello and keeps what the coordinator sends. */
class TestAgent {
  readonly received: CoordinatorMessage[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const parsed = parseCoordinatorMessage(data.toString());
      if (!parsed.ok) throw new Error(`the coordinator sent a malformed frame: ${parsed.error}`);
      this.received.push(parsed.value);
    });
    socket.on('error', () => undefined);
  }

  static async connect(url: string, credential: string): Promise<TestAgent> {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${credential}` } });
    const agent = new TestAgent(socket);
    await once(socket, 'open');
    socket.send(encodeFrame(HELLO));
    return agent;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  runEvents(): string[] {
    return this.received.flatMap((message) => (message.type === 'run-event' ? [message.commandId] : []));
  }

  /**
   * Resolves once the coordinator handled every frame sent before (its pong follows them), or once it closed
   * the socket.
   */
  async settle(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((resolve) => {
      const finish = () => {
        this.socket.off('pong', finish);
        this.socket.off('close', finish);
        resolve();
      };
      this.socket.on('pong', finish);
      this.socket.on('close', finish);
    });
    if (this.open) this.socket.ping();
    await withTimeout(done, 'the coordinator neither answered a ping nor closed the socket');
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${WAIT_MS} ms`)), WAIT_MS)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---- the suite ---------------------------------------------------------------------------------------------

describe('fuzz: frames from a hostile agent', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  const faults = failOnProcessFaults();
  let coordinator: FuzzCoordinator;
  let fixture: DeploymentFixture;
  let connectUrl: string;
  let fuzzer: TestAgent;
  /** Every session the fuzzer opened, the current one last. */
  const fuzzerSessions: TestAgent[] = [];
  let victim: TestAgent;
  let deploymentId: string;
  const stats = { cases: 0, frames: 0, reconnects: 0 };

  const fuzzerHost = () => fixture.hosts[0]!;
  const victimHost = () => fixture.hosts[1]!;

  beforeAll(async () => {
    coordinator = await startFuzzCoordinator();
    connectUrl = `${coordinator.server.url.replace(/^http/, 'ws')}${AgentPaths.connect}`;
    fixture = seedDeploymentFixture(coordinator.server.db, new Date(), { hostCount: 2, deploymentConfig: 'AllAtOnce' });
    victim = await TestAgent.connect(connectUrl, victimHost().credential);
    fuzzer = await TestAgent.connect(connectUrl, fuzzerHost().credential);
    fuzzerSessions.push(fuzzer);
    await eventually(() => onlineHosts() === 2, 'both hosts online');

    const created = await coordinator.api('/deployments', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ applicationName: 'web', deploymentGroupName: 'prod', revisionId: fixture.revisions[0]!.id }),
    });
    expect(created.status).toBe(201);
    ({ deploymentId } = (await created.json()) as { deploymentId: string });
    await eventually(() => victim.runEvents().length > 0 && fuzzer.runEvents().length > 0, 'both hosts to get their first command');
  });

  afterAll(async () => {
    victim?.socket.terminate();
    for (const session of fuzzerSessions) session.socket.terminate();
    await coordinator?.close();
    console.info(`agent frames fuzz: ${stats.cases} cases, ${stats.frames} frames, ${stats.reconnects} reconnects after the coordinator closed the socket`);
  });

  const onlineHosts = () =>
    (coordinator.server.db.prepare('SELECT COUNT(*) AS n FROM hosts WHERE online = 1').get() as { n: number }).n;

  /** The frame's text with its placeholders pointed at this deployment's commands. */
  function resolve(text: string): string {
    const own = fuzzerSessions.flatMap((session) => session.runEvents()).at(-1) ?? `${deploymentId}.${fuzzerHost().id}.ApplicationStop`;
    const ids: Record<string, string> = {
      [Placeholder.own]: own,
      [Placeholder.victim]: victim.runEvents()[0]!,
      [Placeholder.victimLater]: `${deploymentId}.${victimHost().id}.ValidateService`,
      [Placeholder.deployment]: deploymentId,
    };
    return text.replace(/"(@own|@victim-later|@victim|@deployment)"/g, (_, name: string) => JSON.stringify(ids[name]));
  }

  function send(frame: Frame): void {
    const done = () => undefined;
    switch (frame.kind) {
      case 'text':
        return fuzzer.socket.send(resolve(frame.text), done);
      case 'binary':
        return fuzzer.socket.send(frame.bytes, { binary: true }, done);
      case 'invalid-utf8':
        return fuzzer.socket.send(frame.bytes, { binary: false }, done);
      case 'oversized':
        return fuzzer.socket.send(resolve(OVERSIZED_FORGERY), done);
    }
  }

  async function getOk(path: string): Promise<Response> {
    const response = await coordinator.api(path);
    expect(response.status, `GET ${path}`).toBe(200);
    return response;
  }

  /** What must hold after every case. */
  async function expectCoordinatorIntact(): Promise<void> {
    const view = (await (await getOk(`/deployments/${deploymentId}`)).json()) as DeploymentView;
    const victimView = view.instances?.find((instance) => instance.hostId === victimHost().id);
    expect(victimView).toBeDefined();
    expect(JSON.stringify(victimView)).not.toContain(FORGED);
    // The victim never answers: none of its events may have an outcome.
    for (const event of victimView!.lifecycleEvents) expect(['Succeeded', 'Failed']).not.toContain(event.status);
    await getOk('/hosts');
    await getOk(`/hosts/${fuzzerHost().id}`);
    expect(await (await getOk(`/deployments/${deploymentId}/logs?host=${victimHost().name}`)).text()).not.toContain(FORGED);
    await (await getOk(`/deployments/${deploymentId}/logs`)).text();
    const victimCommands = new Set([...victim.runEvents(), `${deploymentId}.${victimHost().id}.ValidateService`]);
    expect(fuzzerSessions.flatMap((session) => session.received).filter((message) => message.type === 'result-ack' && victimCommands.has(message.commandId))).toEqual([]);
    expect(victim.open, 'the victim keeps its session').toBe(true);
  }

  it('survives any sequence of frames without crashing, failing the API, or recording a forgery', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
        stats.cases += 1;
        for (const next of frames) {
          if (!fuzzer.open) break;
          send(next);
          stats.frames += 1;
        }
        await fuzzer.settle();
        if (!fuzzer.open) {
          stats.reconnects += 1;
          fuzzer = await TestAgent.connect(connectUrl, fuzzerHost().credential);
          fuzzerSessions.push(fuzzer);
          await fuzzer.settle();
        }
        await expectCoordinatorIntact();
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: the fuzzer's own results got through (and were acknowledged) all along.
    const acks = fuzzerSessions.flatMap((session) => session.received.flatMap((message) => (message.type === 'result-ack' ? [message.commandId] : [])));
    expect(acks.some((commandId) => commandId.includes(`.${fuzzerHost().id}.`))).toBe(true);
    expect(coordinator.loggedErrors).toEqual([]);
    expect(faults.seen).toEqual([]);
  });

  it('still serves the API over real HTTP afterwards', async () => {
    const response = await fetch(`${coordinator.server.url}/api/v1/deployments/${deploymentId}`, {
      headers: { authorization: `Bearer ${coordinator.adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as DeploymentView).deploymentId).toBe(deploymentId);
  });
});
