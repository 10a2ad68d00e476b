/**
 * The command journal: one small JSON file per received `run-event`, under `<root>/var/lib/baton-agent/commands/`.
 *
 * Contracts:
 * - An entry is written as `running` BEFORE its event starts: it is the in-flight marker. A `running` entry
 *   found at start means the agent died mid-event; `recoverInterrupted` turns it into a Failed result with
 *   errorCode `AgentRestarted` at once, instead of letting the coordinator wait for a timeout.
 * - A `done` entry holds the result until the coordinator acknowledges it (`result-ack`), then it is deleted.
 *   Until then the result is resent on every (re)connect, so a result is never lost to a dropped socket.
 * - A command id already journaled is never run again.
 * - A `running` entry names the hook script running for it (`script`, see process/process-identity.ts): after a
 *   crash, recovery ends that script's process group, so an orphaned script cannot change files after the
 *   event was reported failed and rolled back.
 * - An entry keeps the command without its `variables` and `secrets`: nothing journaled is ever run again, so
 *   they are not needed, and a secret must not rest on disk until the result is acknowledged.
 * Every write is atomic (temp file + rename), so an entry is always either the old or the new JSON.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EventResult, IsoTime, RunEvent } from '@baton/shared/protocol';
import { ProcessIdentity, isSameProcess } from '../process/process-identity.js';

const JournalEntry = z.discriminatedUnion('status', [
  z.object({ status: z.literal('running'), command: RunEvent, startTime: IsoTime, script: ProcessIdentity.optional() }),
  z.object({ status: z.literal('done'), command: RunEvent, result: EventResult }),
]);
export type JournalEntry = z.infer<typeof JournalEntry>;

export const AGENT_RESTARTED_MESSAGE = 'the agent restarted while this event was running';

const SUFFIX = '.json';

export class CommandJournal {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<CommandJournal> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new CommandJournal(dir);
  }

  async lookup(commandId: string): Promise<JournalEntry | undefined> {
    const text = await readFile(this.fileOf(commandId), 'utf8').catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return undefined;
      throw new Error(`cannot read the journal entry of ${commandId}`, { cause });
    });
    return text === undefined ? undefined : this.parse(commandId, text);
  }

  markRunning(command: RunEvent, startTime: string): Promise<void> {
    return this.write({ status: 'running', command, startTime });
  }

  /** The event's hook script `script` started (it leads its own process group). */
  markScriptStarted(command: RunEvent, startTime: string, script: ProcessIdentity): Promise<void> {
    return this.write({ status: 'running', command, startTime, script });
  }

  markDone(command: RunEvent, result: EventResult): Promise<void> {
    return this.write({ status: 'done', command, result });
  }

  /**
   * Called once at start, before any command is taken: fails every event the previous process left running, and
   * ends the hook scripts it left behind (only when they are still the same processes: same boot, same start).
   */
  async recoverInterrupted(now: Date): Promise<EventResult[]> {
    const interrupted = (await this.entries()).flatMap((entry) => (entry.status === 'running' ? [entry] : []));
    for (const { script } of interrupted) {
      if (script && isSameProcess(script)) killProcessGroup(script.pid);
    }
    const results = interrupted.map(
      (entry): EventResult => ({
        type: 'event-result',
        commandId: entry.command.commandId,
        status: 'Failed',
        startTime: entry.startTime,
        endTime: now.toISOString(),
        diagnostics: { errorCode: 'AgentRestarted', message: AGENT_RESTARTED_MESSAGE, logTail: '' },
      }),
    );
    await Promise.all(interrupted.map((entry, at) => this.markDone(entry.command, results[at]!)));
    return results;
  }

  /** Results the coordinator has not acknowledged yet, oldest first (by end time). */
  async unacknowledged(): Promise<EventResult[]> {
    return (await this.entries())
      .flatMap((entry) => (entry.status === 'done' ? [entry.result] : []))
      .sort((a, b) => a.endTime.localeCompare(b.endTime));
  }

  /** The coordinator has durably recorded the result; forgetting an unknown id is a no-op. */
  async acknowledge(commandId: string): Promise<void> {
    await rm(this.fileOf(commandId), { force: true });
  }

  private async entries(): Promise<JournalEntry[]> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith(SUFFIX));
    return Promise.all(
      names.map(async (name) => this.parse(name, await readFile(join(this.dir, name), 'utf8'))),
    );
  }

  private parse(what: string, text: string): JournalEntry {
    try {
      return JournalEntry.parse(JSON.parse(text));
    } catch (cause) {
      // Writes are atomic, so a malformed entry is a fault outside the agent (disk, hand edits): surface it.
      throw new Error(`corrupt journal entry ${what} in ${this.dir}`, { cause });
    }
  }

  private async write(entry: JournalEntry): Promise<void> {
    const file = this.fileOf(entry.command.commandId);
    const tmp = `${file}.tmp`;
    const { variables: _variables, secrets: _secrets, ...command } = entry.command;
    await writeFile(tmp, JSON.stringify({ ...entry, command }), { mode: 0o600 });
    await rename(tmp, file);
  }

  /** Command ids come from the coordinator: encode them so no id can name a path outside the journal. */
  private fileOf(commandId: string): string {
    return join(this.dir, `${encodeURIComponent(commandId).replaceAll('.', '%2E')}${SUFFIX}`);
  }
}

/** A hook script leads its own process group: end it and whatever it started. Gone already is fine. */
function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw new Error(`cannot end the orphaned hook script ${pid}`, { cause: error });
  }
}
