import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServerConfig, type ServerConfig } from './config.js';
import { startServer, type RunningServer, type Service } from './server.js';

describe('startServer', () => {
  let dataDir: string;
  let running: RunningServer | undefined;
  const logger = pino({ level: 'silent' });
  const configFor = (dir: string): ServerConfig => {
    const parsed = parseServerConfig({ dataDir: dir, listen: '127.0.0.1:0' });
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'baton-server-')), 'data');
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('serves the API on the port it was given and prints the admin token on the first start only', async () => {
    const printed: string[] = [];
    running = await startServer(configFor(dataDir), { logger, print: (line) => printed.push(line) });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(printed).toEqual([`Admin token created: ${join(dataDir, 'admin-token')} (readable by its owner only)`]);
    expect(printed.join('\n')).not.toContain(token);

    const response = await fetch(`${running.url}/api/v1/applications`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);

    await running.close();
    printed.length = 0;
    running = await startServer(configFor(dataDir), { logger, print: (line) => printed.push(line) });
    expect(printed).toEqual([]);
    const again = await fetch(`${running.url}/api/v1/applications`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
  });

  it('refuses a second coordinator on the same data directory before it starts anything', async () => {
    running = await startServer(configFor(dataDir), { logger, print: () => {} });
    const started: string[] = [];
    const probe: Service = { name: 'probe', start: () => (started.push('probe'), { stop: () => {} }) };
    await expect(startServer(configFor(dataDir), { logger, services: [probe] })).rejects.toMatchObject({
      name: 'StartupError',
      code: 'DATA_DIR_IN_USE',
      message: expect.stringContaining(`in use by coordinator process ${process.pid}`),
    });
    expect(started).toEqual([]);

    await running.close();
    running = await startServer(configFor(dataDir), { logger, services: [probe] });
    expect(started).toEqual(['probe']);
  });

  it('starts services in order with the shared parts, mounts their routes, and stops them in reverse', async () => {
    const events: string[] = [];
    const service = (name: string): Service => ({
      name,
      start(context) {
        events.push(`start ${name} listening=${context.httpServer.listening}`);
        return {
          routes: [(api) => api.get(`/${name}`, (c) => c.json({ service: name }))],
          stop: () => {
            events.push(`stop ${name}`);
          },
        };
      },
    });
    running = await startServer(configFor(dataDir), { logger, print: () => undefined, services: [service('a'), service('b')] });
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const response = await fetch(`${running.url}/api/v1/b`, { headers: { authorization: `Bearer ${token}` } });
    // Mounted (not a 404), behind the access rules: a route without a doc in the catalog is refused by default.
    expect(await response.json()).toEqual({ code: 'FORBIDDEN', message: 'GET /b has no access rule, so it is refused' });

    await running.close();
    running = undefined;
    expect(events).toEqual(['start a listening=false', 'start b listening=false', 'stop b', 'stop a']);
  });

  it('stops what it started when a later service fails to start', async () => {
    const events: string[] = [];
    const services: Service[] = [
      { name: 'ok', start: () => ({ stop: () => void events.push('stop ok') }) },
      {
        name: 'broken',
        start: () => {
          throw new Error('cannot start');
        },
      },
    ];
    await expect(startServer(configFor(dataDir), { logger, print: () => undefined, services })).rejects.toThrow('cannot start');
    expect(events).toEqual(['stop ok']);
  });
});
