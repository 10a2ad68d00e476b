/**
 * `<root>/var/lib/baton-agent/status.json`: what the running agent is doing, for `baton-agent status` (another
 * process). The agent rewrites it at each change (connected, disconnected, event started and finished); each write
 * is a temp file and a rename, so a reader sees the old or the new state, never half of one.
 *
 * Contract: writing never throws into the agent (a full disk must not stop deployments); a failure is logged.
 * Group names are kept across restarts (read back at start), since install records only know group ids.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { RunEvent } from '@baton/shared/protocol';
import type { Logger } from '../logging.js';

const GroupNames = z.record(z.string(), z.object({ applicationName: z.string(), groupName: z.string() }));

export const AgentStatus = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  agentVersion: z.string(),
  coordinatorUrl: z.string(),
  hostId: z.string(),
  name: z.string(),
  tags: z.record(z.string(), z.string()),
  connection: z.object({
    state: z.enum(['connecting', 'connected', 'disconnected']),
    since: z.string(),
    reason: z.string().optional(),
  }),
  running: z
    .object({
      commandId: z.string(),
      deploymentId: z.string(),
      groupId: z.string(),
      event: z.string(),
      since: z.string(),
    })
    .optional(),
  lastEvent: z
    .object({ deploymentId: z.string(), event: z.string(), status: z.string(), endTime: z.string() })
    .optional(),
  groups: GroupNames,
  /** The last scheduled self-check (upkeep/). */
  selfCheck: z.object({ at: z.string(), healthy: z.boolean(), problems: z.array(z.string()) }).optional(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

export type StatusIdentity = Pick<AgentStatus, 'agentVersion' | 'coordinatorUrl' | 'hostId' | 'name' | 'tags'>;

export class StatusFile {
  private state: AgentStatus;

  private constructor(
    private readonly path: string,
    state: AgentStatus,
    private readonly logger: Logger,
  ) {
    this.state = state;
  }

  /** Starts a fresh status for this process, keeping the group names of the previous one. */
  static open(path: string, identity: StatusIdentity, now: Date, logger: Logger): StatusFile {
    const previous = readAgentStatus(path);
    const status = new StatusFile(
      path,
      {
        pid: process.pid,
        startedAt: now.toISOString(),
        ...identity,
        connection: { state: 'connecting', since: now.toISOString() },
        groups: previous?.groups ?? {},
      },
      logger,
    );
    status.write();
    return status;
  }

  connected(now: Date): void {
    this.update({ connection: { state: 'connected', since: now.toISOString() } });
  }

  /** Only a change of state moves `since`: reconnect attempts do not reset how long the host has been away. */
  disconnected(now: Date, reason: string): void {
    if (this.state.connection.state === 'disconnected') return;
    this.update({ connection: { state: 'disconnected', since: now.toISOString(), reason } });
  }

  eventStarted({ commandId, event, deployment }: RunEvent, now: Date): void {
    const { deploymentId, deploymentGroupId: groupId, applicationName, deploymentGroupName: groupName } = deployment;
    this.update({
      running: { commandId, deploymentId, groupId, event, since: now.toISOString() },
      groups: { ...this.state.groups, [groupId]: { applicationName, groupName } },
    });
  }

  eventFinished({ event, deployment }: RunEvent, status: string, now: Date): void {
    this.update({
      running: undefined,
      lastEvent: { deploymentId: deployment.deploymentId, event, status, endTime: now.toISOString() },
    });
  }

  selfChecked({ at, healthy, problems }: NonNullable<AgentStatus['selfCheck']>): void {
    this.update({ selfCheck: { at, healthy, problems } });
  }

  private update(change: Partial<AgentStatus>): void {
    this.state = { ...this.state, ...change };
    this.write();
  }

  private write(): void {
    const temporary = `${this.path}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(this.state)}\n`, { mode: 0o644 });
      renameSync(temporary, this.path);
    } catch (error) {
      this.logger.warn({ err: error, file: this.path }, 'cannot write the status file');
    }
  }
}

/** The last status an agent wrote; undefined when there is none or it is unreadable. */
export function readAgentStatus(path: string): AgentStatus | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = AgentStatus.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
