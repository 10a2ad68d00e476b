import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentCommand } from '../agent-form.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../fake-coordinator.test-support.js';
import { resolveLayout } from '../layout.js';
import { installService, type InstallOptions } from './install-service.js';
import { uninstallService } from './uninstall-service.js';

const run = promisify(execFile);

let temp: string;
let root: string;
let coordinator: FakeCoordinator;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-install-'));
  root = join(temp, 'root dir'); // a space, so the unit's quoting is exercised
  coordinator = await FakeCoordinator.start();
});
afterEach(async () => {
  await coordinator.close();
  await rm(temp, { recursive: true, force: true });
});

const options = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
  coordinator: coordinator.url,
  enrollToken: ENROLL_TOKEN,
  name: 'web1',
  tags: 'role=web,zone=a',
  root,
  hostname: 'host',
  agentCommand: agentCommand(),
  ...overrides,
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('installService', () => {
  it('enrolls and writes agent.yml (0600), the directories and a unit that systemd-analyze accepts', async () => {
    const launcherPath = join(temp, 'opt/baton agent/launcher.mjs');
    const installed = await installService(options({ launcherCommand: [process.execPath, launcherPath] }));
    expect(installed).toMatchObject({ ok: true, value: { hostId: 'h-test', newlyEnrolled: true, changed: true } });
    const layout = resolveLayout(root);
    expect(await readFile(layout.configFile, 'utf8')).toBe(
      `coordinator: ${coordinator.url}\nname: web1\ntags:\n  role: web\n  zone: a\n`,
    );
    expect(await mode(layout.configFile)).toBe(0o600);
    expect(await mode(layout.credentialsFile)).toBe(0o600);
    expect(await mode(join(root, 'etc/baton'))).toBe(0o700);
    for (const dir of [layout.stateDir, layout.logDir]) expect((await stat(dir)).isDirectory()).toBe(true);
    expect(coordinator.enrollments).toEqual([expect.objectContaining({ name: 'web1', tags: { role: 'web', zone: 'a' } })]);

    const unit = await readFile(layout.unitFile, 'utf8');
    expect(unit).toContain('Restart=always\n');
    expect(unit).toContain('KillMode=process\n');
    expect(unit).toContain(`run --root "${root}"\n`);
    // The fallback from a broken upgrade runs before every start, from outside the versioned directories.
    expect(unit).toContain(`ExecStartPre=-${process.execPath} "${launcherPath}" prepare\n`);
    expect(unit).not.toMatch(/PrivateTmp|ProtectSystem|ProtectHome|NoNewPrivileges/);
    // verify exits 0 even for unknown keys or bad values; it reports them on stderr.
    const verified = await run('systemd-analyze', ['verify', layout.unitFile]);
    expect(verified.stderr).toBe('');
  });

  it('is idempotent: a re-run keeps the identity, changes nothing and does not enroll again', async () => {
    await installService(options());
    const layout = resolveLayout(root);
    const credentials = await readFile(layout.credentialsFile, 'utf8');
    const again = await installService(options({ enrollToken: undefined }));
    expect(again).toMatchObject({ ok: true, value: { hostId: 'h-test', newlyEnrolled: false, changed: false } });
    expect(await readFile(layout.credentialsFile, 'utf8')).toBe(credentials);
    expect(coordinator.enrollments).toHaveLength(1);
  });

  it('keeps the settings agent.yml already had and never writes the enrollment token', async () => {
    const layout = resolveLayout(root);
    await mkdir(join(root, 'etc/baton'), { recursive: true });
    await writeFile(layout.configFile, 'env:\n  PORT: "8080"\nmax-revisions: 3\n');
    await installService(options({ tags: undefined, name: undefined }));
    const text = await readFile(layout.configFile, 'utf8');
    expect(text).toBe(`env:\n  PORT: "8080"\nmax-revisions: 3\ncoordinator: ${coordinator.url}\n`);
    expect(text).not.toContain(ENROLL_TOKEN);
  });

  it('writes nothing but the configuration directory when the token is refused', async () => {
    const installed = await installService(options({ enrollToken: 'wrong' }));
    expect(installed.ok ? [] : installed.error).toEqual([expect.stringContaining('enrollment refused')]);
    const layout = resolveLayout(root);
    for (const path of [layout.configFile, layout.unitFile, layout.stateDir]) {
      await expect(stat(path)).rejects.toThrow(/ENOENT/);
    }
  });

  it('reports every configuration problem at once', async () => {
    const installed = await installService(options({ coordinator: 'ftp://x', tags: '=x' }));
    expect(installed.ok ? [] : installed.error).toHaveLength(2);
  });
});

describe('uninstallService', () => {
  it('removes the unit and keeps the identity; a reinstall is the same host; --purge removes the agent files only', async () => {
    await installService(options());
    const layout = resolveLayout(root);
    const app = join(root, 'srv/app/index.html');
    await mkdir(join(root, 'srv/app'), { recursive: true });
    await writeFile(app, 'deployed\n');

    expect(await uninstallService({ root, purge: false })).toEqual([layout.unitFile]);
    expect(await readFile(layout.credentialsFile, 'utf8')).toContain('h-test');
    expect(await installService(options({ enrollToken: undefined }))).toMatchObject({ ok: true, value: { newlyEnrolled: false } });

    expect(await uninstallService({ root, purge: true })).toEqual([
      layout.unitFile,
      join(root, 'etc/baton'),
      layout.stateDir,
      layout.logDir,
    ]);
    expect(await readFile(app, 'utf8')).toBe('deployed\n');
    expect(await uninstallService({ root, purge: true })).toEqual([]);
  });
});
