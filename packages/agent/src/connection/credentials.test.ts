import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentConfig, type AgentFlags } from '../config.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../fake-coordinator.test-support.js';
import { loadOrEnroll } from './credentials.js';

const FACTS = { hostname: 'h', platform: 'linux', os: 'test', arch: 'x64', release: '1' };

describe('loadOrEnroll', () => {
  let root: string;
  let coordinator: FakeCoordinator;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'baton-credentials-'));
    coordinator = await FakeCoordinator.start();
  });
  afterEach(async () => {
    await coordinator.close();
    await rm(root, { recursive: true, force: true });
  });

  const configWith = (flags: AgentFlags) => {
    const parsed = parseAgentConfig({ flags: { root, ...flags }, file: undefined, fileName: 'agent.yml', hostname: 'h' });
    if (!parsed.ok) throw new Error(parsed.error.join('; '));
    return parsed.value;
  };

  it('enrolls once, saves the credential privately, and reuses it without a token', async () => {
    const first = await loadOrEnroll(configWith({ coordinator: coordinator.url, enrollToken: ENROLL_TOKEN }), FACTS);
    expect(first).toEqual({
      ok: true,
      value: { hostId: 'h-test', credential: 'h-test.credential-secret', coordinator: coordinator.url },
    });
    const file = join(root, 'etc/baton/credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first.ok && first.value);

    expect(await loadOrEnroll(configWith({ coordinator: coordinator.url }), FACTS)).toEqual(first);
    expect(coordinator.enrollments).toHaveLength(1);
  });

  it.each([
    ['no token and no credentials', { enrollToken: undefined }, /not enrolled yet .*--enroll-token/],
    ['a refused token', { enrollToken: 'wrong' }, /enrollment refused .*HTTP 401/],
  ])('fails clearly with %s', async (_, flags, message) => {
    const result = await loadOrEnroll(configWith({ coordinator: coordinator.url, ...flags }), FACTS);
    expect(result.ok === false && result.error).toMatch(message);
  });

  it('fails clearly when the coordinator is unreachable', async () => {
    const url = coordinator.url;
    await coordinator.close();
    const result = await loadOrEnroll(configWith({ coordinator: url, enrollToken: ENROLL_TOKEN }), FACTS);
    expect(result.ok === false && result.error).toMatch(/cannot reach .*ECONNREFUSED/);
    coordinator = await FakeCoordinator.start();
  });

  it('refuses credentials issued by another coordinator', async () => {
    await loadOrEnroll(configWith({ coordinator: coordinator.url, enrollToken: ENROLL_TOKEN }), FACTS);
    const result = await loadOrEnroll(configWith({ coordinator: 'http://elsewhere:1' }), FACTS);
    expect(result.ok === false && result.error).toMatch(/was issued by .* not the configured coordinator/);
  });
});
