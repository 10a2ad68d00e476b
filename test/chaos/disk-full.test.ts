/**
 * Chaos, disk: the agent's state directory (var/lib/baton-agent: bundles, unpacked archives, the command journal)
 * and the install destination each sit on a small tmpfs, never the real disk. A bundle too big for the
 * destination fails Install, a bundle too big for the state directory fails DownloadBundle: each with ENOSPC named
 * in the event's diagnostics, no partial install left once the automatic rollback ran (the destination holds
 * the previous revision, byte for byte), and the agent deploys again once space is freed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster, type TestAgent } from '../harness/cluster.js';
import { isFinished, type DeploymentJson } from '../harness/deployments.js';
import { eventually, runCommand } from '../harness/processes.js';

const MiB = 1024 * 1024;
const STATE_TMPFS_MIB = 20;
const DESTINATION_TMPFS_MIB = 4;
/** Random bytes do not compress: a bundle, its unpacked copy and the installed file are each as big as its file. */
const TOO_BIG_TO_INSTALL_MIB = 6;
const FITS_THE_DESTINATION_MIB = 2;
/** What the filler leaves free in the state directory: less than the bundle that fits the destination. */
const LEFT_FREE_MIB = 1;

describe('disk full on the agent', () => {
  let cluster: Cluster | undefined;
  let agent: TestAgent;
  let bundles: string;
  const mounts: string[] = [];
  let v1Tree: Map<string, string>;

  beforeAll(async () => {
    bundles = mkdtempSync(join(tmpdir(), 'baton-chaos-disk-'));
    cluster = await Cluster.start({ agents: 0, heartbeatIntervalMs: 500 });
    // The agent's folders are mounted before it starts: its mount namespace is a copy of the host's at that moment.
    const root = join(cluster.dir, 'agents', 'web1');
    await mountTmpfs(join(root, 'var/lib/baton-agent'), STATE_TMPFS_MIB);
    await mountTmpfs(join(root, 'app-dir'), DESTINATION_TMPFS_MIB);
    agent = cluster.addAgent();
    await cluster.waitForOnlineHosts(1);
    await expectOk(cluster.baton(['app', 'create', 'shop']));
    await expectOk(cluster.baton(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']));
    const first = await deploy(writeBundle(join(bundles, 'v1'), { version: 'v1' }));
    expect(first.status).toBe('Succeeded');
    v1Tree = treeOf(join(agent.appDir, 'app'));
  }, 180_000);

  afterAll(async () => {
    // Detached first, so removing the cluster's folder never walks into a tmpfs; the agent's copies of the
    // mounts go with its mount namespace when it is killed.
    for (const mount of mounts) await runCommand('umount', ['-l', mount]);
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  it('fails Install with ENOSPC when the destination fills up, and the rollback leaves the previous revision intact', async () => {
    const failed = await deploy(bigBundle('too-big-to-install', TOO_BIG_TO_INSTALL_MIB));
    expect(failed.status).toBe('Failed');
    const install = eventOf(failed, 'Install');
    expect(install.status).toBe('Failed');
    expect(install.diagnostics?.message).toMatch(/ENOSPC/);

    await expectRolledBackToV1(failed);
  });

  it('fails DownloadBundle with ENOSPC when the state directory fills up, and deploys once space is freed', async () => {
    // Leaves less room than the bundle needs, whatever earlier deployments left behind.
    const stateDir = join(agent.root, 'var/lib/baton-agent');
    const filler = join(stateDir, 'filler');
    const free = statfsSync(stateDir).bavail * statfsSync(stateDir).bsize;
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - LEFT_FREE_MIB * MiB)));

    const bundle = bigBundle('too-big-to-download', FITS_THE_DESTINATION_MIB);
    const failed = await deploy(bundle);
    expect(failed.status).toBe('Failed');
    const download = eventOf(failed, 'DownloadBundle');
    expect(download.status).toBe('Failed');
    expect(download.diagnostics?.message).toMatch(/ENOSPC/);
    // The bytes fetched before the disk filled up were given back.
    expect(readdirSync(stateDir, { recursive: true }).map(String).filter((path) => path.endsWith('.part'))).toEqual([]);
    await expectRolledBackToV1(failed);

    rmSync(filler);
    const retried = await deploy(bundle);
    expect(retried.status).toBe('Succeeded');
    expect(agent.read('app/version.txt')).toBe('too-big-to-download\n');
  });

  /** The failed deployment's rollback succeeded and the destination holds exactly v1's files. */
  async function expectRolledBackToV1(failed: DeploymentJson): Promise<void> {
    const rollbackId = (await get(failed.deploymentId)).rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeTruthy();
    const rollback = await waitForEnd(rollbackId!);
    expect(rollback.status).toBe('Succeeded');
    expect(treeOf(join(agent.appDir, 'app'))).toEqual(v1Tree);
  }

  /** A bundle with a file of `mib` MiB of random bytes. */
  function bigBundle(version: string, mib: number): string {
    const dir = writeBundle(join(bundles, version), { version });
    writeFileSync(join(dir, 'app', 'big.bin'), randomBytes(mib * MiB));
    return dir;
  }

  async function mountTmpfs(path: string, mib: number): Promise<void> {
    mkdirSync(path, { recursive: true });
    const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=0755`, 'tmpfs', path]);
    if (mounted.exitCode !== 0) throw new Error(`cannot mount a tmpfs on ${path}: ${mounted.stderr}`);
    mounts.push(path);
  }

  const get = (id: string) => cluster!.batonJson<DeploymentJson>(['deployment', 'get', id]);

  async function deploy(bundle: string): Promise<DeploymentJson> {
    const { deploymentId } = await cluster!.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle]);
    return waitForEnd(deploymentId);
  }

  function waitForEnd(id: string): Promise<DeploymentJson> {
    return eventually(`deployment ${id} to finish`, async () => {
      const deployment = await get(id);
      return isFinished(deployment) ? deployment : undefined;
    }, 120_000);
  }

  function eventOf(deployment: DeploymentJson, event: string) {
    const found = deployment.instances[0]?.lifecycleEvents.find((e) => e.lifecycleEventName === event);
    if (!found) throw new Error(`no ${event} in ${deployment.deploymentId}`);
    return found;
  }
});

/** Relative path → content (sha-free: the files are small, and a mismatch prints what differs). */
function treeOf(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    tree.set(path.slice(dir.length + 1), readFileSync(path, 'utf8'));
  }
  return tree;
}

async function expectOk(result: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<void> {
  const { exitCode, stdout, stderr } = await result;
  if (exitCode !== 0) throw new Error(`command failed (${exitCode}):\n${stdout}\n${stderr}`);
}
