/**
 * The fallback of an agent upgrade. Before `current` moves, the old agent writes `<prefix>/upgrade-pending.json`
 * naming both versions. The new agent deletes it once it has connected and said hello. A marker that outlives
 * its deadline means the new version never connected: `current` goes back to the version it replaced.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pointLink } from './versioned-install.js';

export interface UpgradeMarker {
  readonly from: string;
  readonly to: string;
  /** ISO time the swap happened. */
  readonly at: string;
}

export const markerFile = (prefix: string): string => join(prefix, 'upgrade-pending.json');

export async function writeUpgradeMarker(prefix: string, marker: UpgradeMarker): Promise<void> {
  await writeFile(markerFile(prefix), `${JSON.stringify(marker)}\n`);
}

export function readUpgradeMarker(prefix: string): UpgradeMarker | undefined {
  let text: string;
  try {
    text = readFileSync(markerFile(prefix), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${markerFile(prefix)}`, { cause: error });
  }
  return JSON.parse(text) as UpgradeMarker;
}

/** The new version connected: the upgrade is final. */
export async function confirmUpgrade(prefix: string): Promise<void> {
  await rm(markerFile(prefix), { force: true });
}

/**
 * Puts `current` back on the version an upgrade replaced when the upgrade has gone unconfirmed for longer than
 * `deadlineMs`; returns the marker it acted on. `previous` is left alone: it still names the old version.
 */
export async function revertStaleUpgrade(prefix: string, now: Date, deadlineMs: number): Promise<UpgradeMarker | undefined> {
  const marker = readUpgradeMarker(prefix);
  if (marker === undefined || now.getTime() - Date.parse(marker.at) < deadlineMs) return undefined;
  await pointLink(prefix, 'current', marker.from);
  await rm(markerFile(prefix), { force: true });
  return marker;
}
