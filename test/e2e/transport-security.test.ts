/**
 * End to end over TLS: a coordinator with a self-signed certificate; one agent pins its fingerprint, another
 * trusts it as a CA file; both enroll, connect over wss and download the bundle over https for a deployment.
 * An agent pinning another certificate never enrolls: nothing is sent to a coordinator it does not trust.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster } from '../harness/cluster.js';

describe('transport security', () => {
  let cluster: Cluster;
  let bundles: string;

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 0, coordinatorArgs: ['--tls-self-signed'] });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  it('serves agents and the CLI over HTTPS and WSS, trusted by pin or by CA file', async () => {
    expect(cluster.url).toMatch(/^https:\/\//);
    const certificate = readFileSync(cluster.selfSignedCertificate, 'utf8');
    const fingerprint = `sha256:${new X509Certificate(certificate).fingerprint256}`;
    expect(cluster.coordinator.output).toContain(fingerprint);

    cluster.addAgent({ args: ['--coordinator-fingerprint', fingerprint] });
    cluster.addAgent({ args: ['--ca-file', cluster.selfSignedCertificate] });
    await cluster.waitForOnlineHosts(2, 60_000);

    for (const args of [['app', 'create', 'tls'], ['group', 'create', 'tls', 'web', '--tag', 'role=web', '--config', 'AllAtOnce']]) {
      expect((await cluster.baton(args)).exitCode).toBe(0);
    }
    const deployed = await cluster.baton(['deploy', 'tls', 'web', '--bundle', writeBundle(join(bundles, 'v1'), { version: 'v1' }), '--wait']);
    expect(deployed.stdout).toMatch(/Succeeded\s*$/);
    for (const agent of cluster.agents) expect(agent.read('app/version.txt')).toBe('v1\n');
  });

  it('refuses a coordinator whose certificate is not the pinned one, before enrolling', async () => {
    const impostor = cluster.addAgent({ args: ['--coordinator-fingerprint', `sha256:${'AB:'.repeat(31)}AB`] });
    const exited = await impostor.process!.waitFor(/not the pinned one/, 30_000);
    expect(exited[0]).toContain('not the pinned one');
    const hosts = await cluster.batonJson<{ name: string }[]>(['hosts', 'list']);
    expect(hosts.map((host) => host.name)).not.toContain(impostor.name);
  });
});
