import { describe, expect, it } from 'vitest';
import { chooseLocalBundleType } from './local-bundle-source.js';
import { DEFAULT_LOCAL_EVENTS, selectLocalEvents } from './local-events.js';

describe('selectLocalEvents', () => {
  it.each([
    [undefined, [...DEFAULT_LOCAL_EVENTS]],
    ['ApplicationStart', ['DownloadBundle', 'Install', 'ApplicationStart']],
    [' AfterAllowTraffic , BeforeBlockTraffic,Install', ['BeforeBlockTraffic', 'DownloadBundle', 'Install', 'AfterAllowTraffic']],
  ])('%s → the events in lifecycle order', (list, expected) => {
    expect(selectLocalEvents(list)).toEqual({ ok: true, value: expected });
  });

  it('reports every unknown or unrunnable event at once', () => {
    expect(selectLocalEvents('Bogus,AllowTraffic')).toEqual({
      ok: false,
      error: ['--events: unknown lifecycle event "Bogus"', '--events: AllowTraffic moves a load balancer, which a local deployment has not'],
    });
  });
});

describe('chooseLocalBundleType', () => {
  it.each([
    ['/b', true, undefined, 'directory'],
    ['/b.tar', false, undefined, 'tar'],
    ['/b.TGZ', false, undefined, 'tgz'],
    ['/b.tar.gz', false, undefined, 'tgz'],
    ['/b.zip', false, undefined, 'zip'],
    ['/b.bin', false, 'zip', 'zip'],
  ])('%s (directory: %s, flag %s) → %s', (path, isDirectory, explicit, expected) => {
    expect(chooseLocalBundleType(path, isDirectory, explicit)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['/b.bin', false, undefined, 'pass --bundle-type'],
    ['/b', true, 'tgz', 'is a directory'],
    ['/b.tgz', false, 'directory', 'is not a directory'],
    ['/b.tgz', false, 'rar', 'expected one of'],
  ])('%s (directory: %s, flag %s) is refused', (path, isDirectory, explicit, reason) => {
    const chosen = chooseLocalBundleType(path, isDirectory, explicit);
    expect(chosen.ok ? '' : chosen.error).toContain(reason);
  });
});
