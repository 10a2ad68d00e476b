/**
 * Which secret each trigger signs with. Group files name secrets by reference (`secretRef`), never by value,
 * so `baton group get --yaml` can print a group and the same file applied again changes nothing.
 */
import { err, ok, type Result, type TriggerSpec } from '@baton/shared';
import type { GroupSpecNotice } from '../group-spec/check-group-spec.js';
import { newId, newSecret } from '../ids.js';
import type { Database } from '../store/database.js';
import { getDeploymentGroupByName } from '../store/deployment-groups.js';
import type { SecretsKey } from '../variables/secrets-key.js';
import { sealTriggerSecret } from './trigger-secret-box.js';
import { triggerSecrets, type SealedTriggerSecret, type TriggerSecret, type TriggerSettings } from './trigger-store.js';

/** A secret made for a trigger: shown once, in the answer to the request that made it. */
export interface GeneratedTriggerSecret {
  readonly trigger: string;
  readonly secretRef: string;
  readonly secret: string;
}

export interface ResolvedTriggers {
  readonly triggers: readonly TriggerSettings[];
  readonly generated: readonly GeneratedTriggerSecret[];
}

export const newTriggerSecretRef = (): string => newId('trs');

/** A new secret made for a trigger: its plaintext, to show once, and its box, to store. */
export type NewTriggerSecret = SealedTriggerSecret & { readonly secret: string };

/** A new secret: 32 random bytes, and the reference that names it. */
export function generateTriggerSecret(key: SecretsKey): NewTriggerSecret {
  const secretRef = newTriggerSecretRef();
  const secret = newSecret();
  return { ...sealTriggerSecret(key, secretRef, secret), secret };
}

/**
 * Gives each wanted trigger its secret: the one its `secretRef` names (triggers of a group may share one), else
 * the one the group's trigger of the same name has, else a new one from `generate`. A reference the group does
 * not hold is a problem: a group file cannot bring a secret from elsewhere. Held secrets keep their boxes as
 * they are: nothing here opens one.
 */
export function resolveTriggerSecrets(
  wanted: readonly TriggerSpec[],
  existing: readonly TriggerSecret[],
  generate: () => NewTriggerSecret,
): Result<ResolvedTriggers, GroupSpecNotice> {
  const triggers: TriggerSettings[] = [];
  const generated: GeneratedTriggerSecret[] = [];
  for (const [index, spec] of wanted.entries()) {
    const held = spec.secretRef === undefined ? existing.find((e) => e.name === spec.name) : existing.find((e) => e.secretRef === spec.secretRef);
    if (!held && spec.secretRef !== undefined) {
      return err({
        field: `triggers.${index}.secretRef`,
        message: `the group holds no secret ${spec.secretRef}: leave secretRef out to have a secret made, or set one with \`baton trigger create --secret\``,
      });
    }
    const made = held ? undefined : generate();
    if (made) generated.push({ trigger: spec.name, secretRef: made.secretRef, secret: made.secret });
    const { secretRef, sealed, keyId } = held ?? made!;
    triggers.push({ name: spec.name, url: spec.url, events: spec.events, format: spec.format, secretRef, sealed, keyId });
  }
  return ok({ triggers, generated });
}

/** The secrets for a group file's triggers, against what its group holds now (nothing, when it is new). */
export function resolveGroupFileTriggers(
  db: Database,
  key: SecretsKey,
  applicationId: string,
  groupName: string,
  wanted: readonly TriggerSpec[],
): Result<ResolvedTriggers, GroupSpecNotice> {
  const group = getDeploymentGroupByName(db, applicationId, groupName);
  return resolveTriggerSecrets(wanted, group ? triggerSecrets(db, group.id) : [], () => generateTriggerSecret(key));
}
