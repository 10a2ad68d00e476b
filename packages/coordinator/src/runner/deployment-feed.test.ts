import { describe, expect, it } from 'vitest';
import { resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { fleet, startInput } from '../engine/fixtures.test-support.js';
import { startDeployment, step } from '../engine/index.js';
import { DeploymentFeed, describeChanges, type DeploymentChange } from './deployment-feed.js';

const allAtOnce = (): DeploymentConfig => {
  const resolved = resolveDeploymentConfig('AllAtOnce');
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
};

const summary = (changes: readonly DeploymentChange[]) =>
  changes.map((c) =>
    c.type === 'deployment'
      ? `deployment ${c.previousStatus ?? '-'}→${c.status}`
      : c.type === 'batch'
        ? `batch ${c.batchIndex + 1}/${c.batchCount}`
        : c.type === 'instance'
          ? `${c.hostName} ${c.previousStatus ?? '-'}→${c.status}`
          : `${c.hostName} ${c.event} ${c.previousStatus ?? '-'}→${c.status}`,
  );

describe('describeChanges', () => {
  const started = startDeployment(startInput(allAtOnce(), fleet(2)), 1_000).state;

  it('announces a started deployment, its batch and its hosts, without listing every pending event', () => {
    const changes = describeChanges(undefined, started, 1_000);
    expect(summary(changes)).toEqual([
      'deployment -→InProgress',
      'batch 1/1',
      'web01 ApplicationStop -→InProgress',
      'web01 -→InProgress',
      'web02 ApplicationStop -→InProgress',
      'web02 -→InProgress',
    ]);
    expect(changes[0]).toMatchObject({ type: 'deployment', applicationName: 'shop', groupName: 'web', groupId: 'dg-1', creator: 'user' });
    expect(changes.every((c) => c.at === new Date(1_000).toISOString())).toBe(true);
    expect(changes.some((c) => c.type === 'lifecycle-event' && c.status === 'Pending')).toBe(false);
  });

  it('reports only what an event result changed on the one host it concerns', () => {
    const stop = started.hosts[0]!.events.find((e) => e.status === 'InProgress')!;
    const { state } = step(
      started,
      { type: 'EVENT_RESULT', commandId: stop.commandId, status: 'Failed', startTime: 1_100, endTime: 1_200, diagnostics: { errorCode: 'ScriptFailed', message: 'exit 1', logTail: '' } },
      1_200,
    );
    const changes = describeChanges(started, state, 1_200);
    const aboutWeb02 = changes.filter((c) => 'hostName' in c && c.hostName === 'web02');
    expect(aboutWeb02).toEqual([]);
    const failedEvent = changes.find((c) => c.type === 'lifecycle-event' && c.hostName === 'web01' && c.status === 'Failed');
    expect(failedEvent).toMatchObject({
      event: stop.name,
      previousStatus: 'InProgress',
      diagnostics: { errorCode: 'ScriptFailed' },
      startTime: new Date(1_100).toISOString(),
      endTime: new Date(1_200).toISOString(),
    });
    expect(summary(changes)).toContain('web01 InProgress→Failed');
  });

  it('says nothing when nothing changed', () => {
    expect(describeChanges(started, started, 2_000)).toEqual([]);
  });
});

describe('DeploymentFeed', () => {
  it('delivers to every listener, reports a failing one without stopping the others, and unsubscribes', () => {
    const failures: unknown[] = [];
    const feed = new DeploymentFeed((error) => failures.push(error));
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = feed.subscribe((change) => seen.push(change.type));
    const changes = describeChanges(undefined, startDeployment(startInput(allAtOnce(), fleet(1)), 0).state, 0);
    feed.publish(changes);
    expect(seen).toEqual(changes.map((c) => c.type));
    expect(failures).toHaveLength(changes.length);
    unsubscribe();
    feed.publish(changes);
    expect(seen).toHaveLength(changes.length);
  });
});
