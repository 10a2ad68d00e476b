/**
 * Host facts for `hello` and enrollment, from node:os and /etc/os-release only: systeminformation is too
 * heavy to load on the idle path.
 */
import { readFile } from 'node:fs/promises';
import { arch, hostname, platform, release, type } from 'node:os';
import type { HostFacts } from '@baton/shared/protocol';

export async function readHostFacts(): Promise<HostFacts> {
  return { hostname: hostname(), platform: platform(), os: await readOsName(), arch: arch(), release: release() };
}

/** The distribution's PRETTY_NAME when the host has one (e.g. "Debian GNU/Linux 12 (bookworm)"), else the kernel name. */
async function readOsName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(text);
  return pretty?.[1] ?? pretty?.[2] ?? type();
}
