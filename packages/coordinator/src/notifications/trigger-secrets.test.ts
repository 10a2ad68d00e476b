import { TriggerSpec } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { resolveTriggerSecrets } from './trigger-secrets.js';

const spec = (name: string, secretRef?: string) =>
  TriggerSpec.parse({ name, url: 'https://hooks.example.com/', events: ['DeploymentFailure'], ...(secretRef ? { secretRef } : {}) });
// Stand-ins for boxes: the resolver copies boxes and never opens one.
const box = (text: string) => Buffer.from(text);
const held = [{ name: 'ops', secretRef: 'trs-aaaaaaaaaaaa', sealed: box('ops-box'), keyId: 'k1' }];
let made = 0;
const generate = () => ({ secretRef: `trs-new${++made}`, secret: `new-secret-${made}`, sealed: box(`new-box-${made}`), keyId: 'k1' });

describe('the secrets of a group file’s triggers', () => {
  it('keeps the secret of a same-named trigger, shares one by reference, and makes one for a new name', () => {
    made = 0;
    const resolved = resolveTriggerSecrets([spec('ops'), spec('copy', 'trs-aaaaaaaaaaaa'), spec('fresh')], held, generate);
    expect(resolved.ok && resolved.value.triggers.map((t) => [t.name, t.secretRef, t.sealed.toString()])).toEqual([
      ['ops', 'trs-aaaaaaaaaaaa', 'ops-box'],
      ['copy', 'trs-aaaaaaaaaaaa', 'ops-box'],
      ['fresh', 'trs-new1', 'new-box-1'],
    ]);
    expect(resolved.ok && resolved.value.generated).toEqual([{ trigger: 'fresh', secretRef: 'trs-new1', secret: 'new-secret-1' }]);
  });

  it('refuses a reference the group does not hold, naming the field', () => {
    expect(resolveTriggerSecrets([spec('ops'), spec('other', 'trs-bbbbbbbbbbbb')], held, generate)).toEqual({
      ok: false,
      error: { field: 'triggers.1.secretRef', message: expect.stringContaining('the group holds no secret trs-bbbbbbbbbbbb') },
    });
  });
});
