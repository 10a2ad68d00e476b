import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoggedDeploymentApp, type LoggedDeploymentApp } from '../../logs/logged-deployment.test-support.js';
import type { OutputRecord } from '../../logs/output-format.js';
import { activeResources, expectNothingLeaked } from '../../testing/active-resources.test-support.js';
import type { Received } from '../../testing/fake-fleet.test-support.js';

/** Reads a streamed body chunk by chunk until `done` holds for the text so far (or the body ends). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean, seen = ''): Promise<{ text: string; ended: boolean }> {
  const decoder = new TextDecoder();
  let text = seen;
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) return { text, ended: true };
    text += decoder.decode(chunk.value, { stream: true });
  }
  return { text, ended: false };
}

interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

const parseSse = (text: string): SseEvent[] =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown> };
    });

describe('deployment logs and events routes', () => {
  let app: LoggedDeploymentApp;
  let resources: string[];

  beforeEach(() => {
    resources = activeResources();
    app = createLoggedDeploymentApp({ heartbeatMs: 20 });
  });
  afterEach(async () => {
    app.close();
    await expectNothingLeaked(resources);
  });

  /** The first pending command of each host, in host order. */
  const firstCommands = (): Received[] => app.web.hosts.map((host) => app.fleet.pending(host.id)[0]!);
  const logsOf = (id: string, query = '', accept?: string) =>
    app.t.api(`/api/v1/deployments/${id}/logs${query}`, accept ? { headers: { accept } } : {});

  describe('GET /deployments/{id}/logs', () => {
    it('answers every host\'s lines in arrival order as `host event [stream] text`, or as NDJSON', async () => {
      const id = await app.deploy();
      const [one, two] = firstCommands();
      expect(app.say(one!, ['starting'])).toBe(true);
      expect(app.say(two!, ['disk almost full'], { stream: 'stderr' })).toBe(true);
      expect(app.say(one!, ['started'])).toBe(true);

      const text = await logsOf(id);
      expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const event = one!.command.event;
      expect(await text.text()).toBe(
        [`web-1 ${event} [stdout] starting`, `web-2 ${event} [stderr] disk almost full`, `web-1 ${event} [stdout] started`, ''].join('\n'),
      );

      const ndjson = await logsOf(id, '', 'application/x-ndjson');
      expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
      const records = (await ndjson.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as OutputRecord);
      expect(records.map(({ host, hostId, seq, stream, text: line }) => ({ host, hostId, seq, stream, line }))).toEqual([
        { host: 'web-1', hostId: one!.hostId, seq: 0, stream: 'stdout', line: 'starting' },
        { host: 'web-2', hostId: two!.hostId, seq: 0, stream: 'stderr', line: 'disk almost full' },
        { host: 'web-1', hostId: one!.hostId, seq: 1, stream: 'stdout', line: 'started' },
      ]);
      expect(records[0]).toMatchObject({ event, at: app.t.now.toISOString() });
    });

    it('filters by host (name or id) and by lifecycle event', async () => {
      const id = await app.deploy();
      const [one, two] = firstCommands();
      app.say(one!, ['from one']);
      app.say(two!, ['from two']);
      app.fleet.answer(one!, 'Succeeded');
      const next = app.fleet.pending(one!.hostId)[0]!;
      app.say(next, ['later on one']);

      expect(await (await logsOf(id, '?host=web-2')).text()).toBe(`web-2 ${two!.command.event} [stdout] from two\n`);
      expect(await (await logsOf(id, `?host=${one!.hostId}`)).text()).toBe(
        `web-1 ${one!.command.event} [stdout] from one\nweb-1 ${next.command.event} [stdout] later on one\n`,
      );
      expect(await (await logsOf(id, `?event=${next.command.event}`)).text()).toBe(`web-1 ${next.command.event} [stdout] later on one\n`);
      expect((await logsOf(id, '?event=NoSuchEvent')).status).toBe(400);
    });

    it('keeps a host from writing output for another host\'s command, or for a command never sent', async () => {
      const id = await app.deploy();
      const [one, two] = firstCommands();
      expect(app.say(one!, ['forged'], { from: two!.hostId })).toBe(false);
      expect(app.logs.record(one!.hostId, { type: 'hook-output', commandId: `${id}.${one!.hostId}.Nope`, seq: 0, lines: [{ stream: 'stdout', text: 'x', at: app.t.now.toISOString() }] })).toBe(false);
      expect(await (await logsOf(id)).text()).toBe('');
    });

    it('follows new lines as they are stored and ends when the deployment ends', async () => {
      const id = await app.deploy();
      const [one, two] = firstCommands();
      app.say(one!, ['before']);
      const response = await logsOf(id, '?follow=true');
      const reader = response.body!.getReader();
      let read = await readUntil(reader, (text) => text.includes('before'));

      app.say(two!, ['while following']);
      read = await readUntil(reader, (text) => text.includes('while following'), read.text);
      expect(read.ended).toBe(false);

      app.fleet.answerAll((received) => {
        app.say(received, [`done ${received.command.event}`]);
        return 'Succeeded';
      });
      read = await readUntil(reader, () => false, read.text);
      expect(read.ended).toBe(true);
      expect(read.text.split('\n')[0]).toBe(`web-1 ${one!.command.event} [stdout] before`);
      expect(read.text).toMatch(/web-3 ValidateService \[stdout\] done ValidateService\n$/);
    });

    it('ends a follow at once for a deployment that has already ended, and answers 404 for an unknown one', async () => {
      const id = await app.deploy();
      app.fleet.answerAll();
      expect(await (await logsOf(id, '?follow=true')).text()).toBe('');
      expect((await logsOf('d-nope')).status).toBe(404);
    });

    it('stops following when the client goes away', async () => {
      const id = await app.deploy();
      const reader = (await logsOf(id, '?follow=true')).body!.getReader();
      const pending = reader.read();
      await reader.cancel();
      expect((await pending).done).toBe(true);
      expect(app.say(firstCommands()[0]!, ['nobody listens'])).toBe(true);
    });
  });

  describe('GET /deployments/{id}/events', () => {
    it('streams a snapshot, then every change, then `end` once the deployment has ended', async () => {
      const id = await app.deploy();
      const response = await app.t.api(`/api/v1/deployments/${id}/events`);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const reader = response.body!.getReader();
      let read = await readUntil(reader, (text) => text.includes('event: snapshot'));
      // Idle: heartbeats keep the stream open.
      read = await readUntil(reader, (text) => text.includes(': heartbeat'), read.text);

      app.fleet.answerAll();
      read = await readUntil(reader, () => false, read.text);
      expect(read.ended).toBe(true);
      const events = parseSse(read.text);
      expect(events[0]).toMatchObject({ event: 'snapshot', data: { deploymentId: id, status: 'InProgress' } });
      expect(events.at(-1)).toEqual({ event: 'end', data: {} });
      const kinds = new Set(events.map(({ event }) => event));
      expect(kinds).toEqual(new Set(['snapshot', 'lifecycle-event', 'instance', 'deployment', 'end']));
      // The last step's host changes come after the deployment's own status, and still before the end.
      const lastEvent = events.findLast(({ event }) => event === 'lifecycle-event')!;
      expect(lastEvent.data).toMatchObject({ event: 'ValidateService', status: 'Succeeded' });
      expect(events.filter(({ event }) => event === 'deployment').at(-1)!.data).toMatchObject({ deploymentId: id, status: 'Succeeded' });
      const succeededHosts = events.filter(({ event, data }) => event === 'instance' && data.status === 'Succeeded').map(({ data }) => data.hostName);
      expect(succeededHosts.sort()).toEqual(['web-1', 'web-2', 'web-3']);
    });

    it('answers a snapshot and `end` at once for an ended deployment, and 404 for an unknown one', async () => {
      const id = await app.deploy();
      app.fleet.answerAll();
      const events = parseSse(await (await app.t.api(`/api/v1/deployments/${id}/events`)).text());
      expect(events.map(({ event }) => event)).toEqual(['snapshot', 'end']);
      expect(events[0]!.data).toMatchObject({ status: 'Succeeded' });
      expect((await app.t.api('/api/v1/deployments/d-nope/events')).status).toBe(404);
    });

    it('stops sending when the client goes away', async () => {
      const id = await app.deploy();
      const reader = (await app.t.api(`/api/v1/deployments/${id}/events`)).body!.getReader();
      await readUntil(reader, (text) => text.includes('event: snapshot'));
      await reader.cancel();
      app.fleet.answerAll(); // publishing to a gone client must not throw
      expect((await app.t.api(`/api/v1/deployments/${id}`)).status).toBe(200);
    });
  });
});
