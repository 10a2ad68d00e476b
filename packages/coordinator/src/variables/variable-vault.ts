/**
 * The one holder of the secrets key: it seals secrets as they are set, opens them only to give them to the hooks
 * of a deployment, and masks them in what hosts send back. Every other reader sees a secret as `****`.
 */
import { createSecretMasker } from '@baton/shared';
import type { Database } from '../store/database.js';
import {
  findGroupOfCommand,
  listVariablesForGroup,
  putVariable,
  type StoredVariable,
  type VariableOwner,
} from '../store/variables.js';
import { openSecret, sealSecret } from './secret-box.js';
import type { SecretsKey } from './secrets-key.js';

/** What a run-event carries: plain variables and secrets, disjoint, group values over application values. */
export interface HookVariableSet {
  readonly variables: Record<string, string>;
  readonly secrets: Record<string, string>;
}

export class VariableVault {
  constructor(
    private readonly db: Database,
    private readonly key: SecretsKey,
  ) {}

  set(owner: VariableOwner, name: string, value: string, secret: boolean, now: Date): StoredVariable {
    const content = secret
      ? { secret: true as const, sealed: sealSecret(this.key, value, sealingContext(owner, name)), keyId: this.key.id }
      : { secret: false as const, value };
    return putVariable(this.db, owner, name, content, now);
  }

  /** The variables for the hooks of a deployment of `groupId`, secrets opened. Throws if a secret does not open. */
  forGroup(groupId: string): HookVariableSet {
    const plain = new Map<string, string>();
    const secret = new Map<string, string>();
    // Application rows come first: a group's variable of the same name replaces it, secret or not.
    for (const variable of listVariablesForGroup(this.db, groupId)) {
      plain.delete(variable.name);
      secret.delete(variable.name);
      if (variable.secret) secret.set(variable.name, openSecret(this.key, variable.sealed, sealingContext(variable, variable.name)));
      else plain.set(variable.name, variable.value);
    }
    return { variables: Object.fromEntries(plain), secrets: Object.fromEntries(secret) };
  }

  /**
   * Masks the secrets of the deployment `commandId` belongs to, as they are now (a secret changed since the
   * command was sent is masked by the agent, which knew the old value). Identity for unknown commands.
   */
  maskerForCommand(commandId: string): (text: string) => string {
    const groupId = findGroupOfCommand(this.db, commandId);
    return createSecretMasker(groupId === undefined ? [] : Object.values(this.forGroup(groupId).secrets));
  }
}

/** What a secret's box is bound to: it opens only as the same variable of the same owner. */
const sealingContext = (owner: VariableOwner, name: string): string => `${owner.applicationId}/${owner.groupId ?? ''}/${name}`;
