import { z } from 'zod';

/**
 * Notifications a group sends, by the reference's trigger event names. `DeploymentRollback` is the start of a
 * rollback deployment; `DeploymentReady` and `InstanceReady` mean waiting to go on (a blue/green environment
 * ready for traffic, a canary waiting for promotion).
 */
export const TriggerEvent = z.enum([
  'DeploymentStart',
  'DeploymentSuccess',
  'DeploymentFailure',
  'DeploymentStop',
  'DeploymentRollback',
  'DeploymentReady',
  'InstanceStart',
  'InstanceSuccess',
  'InstanceFailure',
  'InstanceReady',
]);
export type TriggerEvent = z.infer<typeof TriggerEvent>;

/** `json`: Baton's own body; `slack`: `{"text": …}`, which Slack, Mattermost and Rocket.Chat incoming webhooks accept. */
export const TriggerFormat = z.enum(['json', 'slack']);
export type TriggerFormat = z.infer<typeof TriggerFormat>;

/** Trigger names appear in URL paths (`DELETE …/triggers/NAME`). */
export const TriggerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'use 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit');

/**
 * Names a signing secret the coordinator holds, never the secret itself, so a group file can keep it in
 * version control. Left out, a trigger keeps the secret of the group's trigger of the same name, or gets a
 * new one (shown once).
 */
export const TriggerSecretRef = z.string().regex(/^trs-[a-z2-7]{12}$/, 'expected a secret reference such as trs-abcdefgh2345');

export const TriggerSpec = z
  .object({
    name: TriggerName,
    url: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
    events: z.array(TriggerEvent).min(1, 'name at least one event'),
    format: TriggerFormat.default('json'),
    secretRef: TriggerSecretRef.optional(),
  })
  .strict();
export type TriggerSpec = z.output<typeof TriggerSpec>;

/** The reference's limit. */
export const MAX_TRIGGERS_PER_GROUP = 10;

export const TriggerList = z
  .array(TriggerSpec)
  .max(MAX_TRIGGERS_PER_GROUP, `at most ${MAX_TRIGGERS_PER_GROUP} triggers per group`)
  .superRefine((triggers, ctx) => {
    const seen = new Set<string>();
    triggers.forEach((trigger, index) => {
      if (seen.has(trigger.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `a second trigger named '${trigger.name}'` });
      seen.add(trigger.name);
    });
  });
