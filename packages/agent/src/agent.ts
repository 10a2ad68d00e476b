/**
 * The agent runtime: identity, command journal, a serial command queue and the connection, wired together.
 *
 * A `run-event` goes: journal (`running`, the in-flight marker) → `event-started` → execute → journal
 * (`done`, with the result) → `event-result`. Results stay in the journal until the coordinator sends
 * `result-ack`, and are resent on every (re)connect. A command id seen before is never run twice. A journal
 * that cannot be written (a full disk) fails an event before it runs, and never holds back a result.
 * While it executes, its hook output streams out as `hook-output` frames (best effort, connection/hook-output-sender.ts).
 * `stop()` is bounded (stop-bound.ts): a running event may finish within `stop-grace`, then its hook
 * script is ended and the event fails as AgentRestarted; that result is journaled and sent before the connection
 * closes. An event that still has not settled stays `running` in the journal, reported by the next start.
 * The agent's state for `baton-agent status` is kept in status.json (status/status-file.ts).
 *
 * Memory: everything an idle agent loads imports the narrow `@baton/shared/protocol` and `/result` entry
 * points; the executor (appspec, yaml, tar, …) is imported on the first command.
 */
import { PROTOCOL_VERSION, boundDiagnostics, type EventResult, type RunEvent, type UpgradeAgent } from '@baton/shared/protocol';
import { assertNever } from '@baton/shared/result';
import { AGENT_BIN, AGENT_FORM } from './agent-form.js';
import { readAgentVersion } from './agent-version.js';
import type { AgentConfig } from './config.js';
import { AgentConnection, type SessionMessage } from './connection/agent-connection.js';
import { HookOutputSender } from './connection/hook-output-sender.js';
import { describeFault } from './executor/describe-fault.js';
import { failed } from './executor/execution-outcome.js';
import { coordinatorTlsOptions } from './connection/coordinator-trust.js';
import { loadOrEnroll } from './connection/credentials.js';
import { readHostFacts } from './connection/host-facts.js';
import { HealthWatcher } from './health/health-watcher.js';
import { identifyProcess } from './process/process-identity.js';
import { MetricsReporter } from './health/metrics-reporter.js';
import type { Logger } from './logging.js';
import { StatusFile } from './status/status-file.js';
import { HOOK_KILL_GRACE_MS, SETTLE_MS } from './stop-bound.js';
import { nextRunInChild } from './upkeep/next-run.js';
import { UpkeepScheduler } from './upkeep/upkeep-scheduler.js';
import { CommandJournal } from './state/command-journal.js';
import { SerialQueue } from './state/serial-queue.js';
import { RESTART_EXIT_CODE, UPGRADE_CONFIRM_DEADLINE_MS } from './upgrade/launcher.js';
import { pendingFallbackReport, watchPendingUpgrade } from './upgrade/pending-upgrade.js';
import { locateVersionedInstall } from './upgrade/versioned-install.js';

/** Live hook output waits behind at most this much unsent data; more is dropped (scripts.log keeps it). */
const MAX_BUFFERED_OUTPUT_BYTES = 1024 * 1024;

export interface RunningAgent {
  readonly hostId: string;
  /** Resolves with an exit code when the agent wants its process restarted (after an upgrade or a fallback). */
  readonly exitRequested: Promise<number>;
  stop(): Promise<void>;
}

/** A start refused for a reason the operator must fix (enrollment, credentials): its message says what; no stack. */
export class AgentStartRefused extends Error {
  override readonly name = 'AgentStartRefused';
}

/** Throws AgentStartRefused when the host cannot enroll or its credentials are unusable; any other error is a fault. */
export async function startAgent(config: AgentConfig, baseLogger: Logger): Promise<RunningAgent> {
  const facts = await readHostFacts();
  const coordinatorTls = await coordinatorTlsOptions(config.coordinatorTrust, config.coordinatorUrl);
  const credentials = await loadOrEnroll(config, facts, coordinatorTls);
  if (!credentials.ok) throw new AgentStartRefused(credentials.error);
  const { hostId, credential } = credentials.value;
  const logger = baseLogger.child({ hostId });

  const journal = await CommandJournal.open(config.layout.commandsDir);
  for (const result of await journal.recoverInterrupted(new Date())) {
    logger.warn({ commandId: result.commandId }, 'event interrupted by an agent restart; reporting AgentRestarted');
  }

  let stopping = false;
  const agentVersion = readAgentVersion();
  const { coordinatorUrl, name, tags } = config;
  const status = StatusFile.open(config.layout.statusFile, { agentVersion, coordinatorUrl, hostId, name, tags }, new Date(), logger);
  const stopSignal = new AbortController();
  const queue = new SerialQueue((error) => logger.error({ err: error }, 'command handling failed'));
  // Health and metrics go out beside the queue: they must not wait behind a long lifecycle event.
  const health = new HealthWatcher({ report: (status) => connection.send(status), logger });
  const metrics = new MetricsReporter({
    intervalMs: config.metricsIntervalMs,
    diskPath: config.layout.root,
    send: (sample) => connection.send({ type: 'host-metrics', sample }),
    logger,
  });

  let requestExit: (code: number) => void = () => {};
  const exitRequested = new Promise<number>((resolve) => {
    requestExit = resolve;
  });
  const install = locateVersionedInstall(AGENT_BIN);
  const pendingUpgrade =
    install &&
    watchPendingUpgrade({
      prefix: install.prefix,
      agentVersion,
      deadlineMs: UPGRADE_CONFIRM_DEADLINE_MS,
      onReverted: (record) => {
        logger.error({ record }, `agent ${record.to} ${record.reason}; falling back to ${record.from}`);
        requestExit(RESTART_EXIT_CODE);
      },
      onError: (error) => logger.error({ err: error }, 'cannot fall back from an unconfirmed upgrade'),
    });

  // Through the queue: the swap and restart happen only once no lifecycle event runs.
  const upgrade = async (command: UpgradeAgent): Promise<void> => {
    if (stopping) return;
    const { installUpgrade } = await import('./upgrade/upgrade-agent.js');
    const answer = await installUpgrade(command, { binPath: AGENT_BIN, form: AGENT_FORM, credential, coordinatorTls, now: new Date() });
    logger.info({ version: command.version, state: answer.state }, `upgrade: ${answer.message}`);
    connection.send(answer);
    if (answer.state === 'starting') {
      stopping = true;
      requestExit(RESTART_EXIT_CODE);
    }
  };

  /** After a fallback, the version fallen back to tells the coordinator why the upgrade failed, once. */
  const reportFallback = (): void => {
    const report = install && pendingFallbackReport(install.prefix);
    if (!report || !connection.send(report.status)) return;
    logger.warn({ version: report.status.version }, report.status.message);
    report.forget().catch((error: unknown) => logger.error({ err: error }, 'cannot forget the reported fallback'));
  };

  const resendResults = async (): Promise<void> => {
    for (const result of await journal.unacknowledged()) connection.send(result);
  };

  const runCommand = async (command: RunEvent): Promise<void> => {
    const scoped = logger.child({
      commandId: command.commandId,
      deploymentId: command.deployment.deploymentId,
      event: command.event,
    });
    const known = await journal.lookup(command.commandId);
    if (known?.status === 'done') {
      scoped.info('command already ran; resending its result');
      connection.send(known.result);
      return;
    }
    if (known?.status === 'running' || stopping) return;

    // Before the in-flight marker: an agent whose executor cannot load has not started the event.
    const { executeEvent } = await import('./executor/execute-event.js');
    const startTime = new Date().toISOString();
    const unjournaled = await journal.markRunning(command, startTime).then(() => undefined, (error: unknown) => ({ error }));
    if (unjournaled !== undefined) {
      // No in-flight marker, no run: a journal that cannot be written (a full disk) fails the event at once,
      // unjournaled; a redelivered command meets the same refusal.
      scoped.error({ err: unjournaled.error }, 'cannot journal the event; failing it');
      const outcome = failed('UnknownError', `cannot record the event in the command journal: ${describeFault(unjournaled.error)}`);
      connection.send({ type: 'event-result', commandId: command.commandId, ...outcome, startTime, endTime: startTime });
      return;
    }
    status.eventStarted(command, new Date());
    connection.send({ type: 'event-started', commandId: command.commandId, startTime });
    scoped.info('event started');

    const output = new HookOutputSender({
      commandId: command.commandId,
      send: (message) => connection.sendDroppable(message, MAX_BUFFERED_OUTPUT_BYTES),
    });
    // Each script is named in the in-flight marker, so that recovery after a crash can end it; the writes are
    // chained and finished before the result is journaled, which must be the entry's last write.
    let scriptsJournaled = Promise.resolve();
    const onScriptStarted = (pid: number): void => {
      const script = identifyProcess(pid);
      if (!script) return;
      scriptsJournaled = scriptsJournaled
        .then(() => journal.markScriptStarted(command, startTime, script))
        .catch((error: unknown) => scoped.error({ err: error, pid }, 'cannot name the running script in the command journal'));
    };
    const outcome = await executeEvent(command, {
      config,
      credential,
      coordinatorTls,
      logger: scoped,
      signal: stopSignal.signal,
      onOutput: (line) => output.write(line),
      onScriptStarted,
    });
    await scriptsJournaled;
    output.close(); // before the result: the coordinator gets every streamed line before the event's end
    const result: EventResult = {
      type: 'event-result',
      commandId: command.commandId,
      status: outcome.status,
      startTime,
      endTime: new Date().toISOString(),
      diagnostics: boundDiagnostics(outcome.diagnostics),
    };
    // A journal that cannot be written must not swallow the result: it goes out unjournaled. Lost with its
    // connection, the event then ends by the coordinator's timeout, or as AgentRestarted after a restart.
    await journal.markDone(command, result).catch((error: unknown) => scoped.error({ err: error }, 'cannot journal the result; sending it anyway'));
    status.eventFinished(command, result.status, new Date());
    connection.send(result);
    scoped.info({ status: result.status, errorCode: result.diagnostics.errorCode }, 'event finished');
  };

  const onMessage = (message: SessionMessage): void => {
    switch (message.type) {
      case 'run-event':
        queue.enqueue(() => runCommand(message));
        return;
      case 'watch-health':
        health.watch(message);
        return;
      case 'upgrade-agent':
        queue.enqueue(() => upgrade(message));
        return;
      case 'result-ack':
        // Queued like the commands: a redelivery of the same command (sent on reconnect, just before this ack)
        // may still wait in the queue, and must find the journal entry that says it ran, or it would run again.
        queue.enqueue(() =>
          journal.acknowledge(message.commandId).catch((error: unknown) => {
            logger.error({ err: error, commandId: message.commandId }, 'cannot forget an acknowledged result');
          }),
        );
        return;
      default:
        assertNever(message, 'coordinator message');
    }
  };

  const connection = new AgentConnection({
    url: config.connectUrl,
    credential,
    tls: coordinatorTls,
    logger,
    hello: () => ({ type: 'hello', agentVersion, protocolVersion: PROTOCOL_VERSION, facts }),
    // Not through the queue: results must go out even while a long event is running.
    onSessionReady: () => {
      status.connected(new Date());
      metrics.reportNow();
      pendingUpgrade?.confirm().catch((error: unknown) => logger.error({ err: error }, 'cannot confirm the upgrade'));
      reportFallback();
      resendResults().catch((error: unknown) => logger.error({ err: error }, 'cannot resend results'));
    },
    onMessage,
    onSessionLost: (reason) => status.disconnected(new Date(), reason),
  });
  // Through the queue, so upkeep never prunes or checks beside a running lifecycle event.
  const upkeep = new UpkeepScheduler({
    schedule: config.upkeepSchedule,
    nextRun: nextRunInChild,
    logger,
    onDue: () =>
      new Promise<void>((resolve) => {
        queue.enqueue(async () => {
          try {
            if (stopping) return;
            const { runUpkeepRound } = await import('./upkeep/upkeep-round.js');
            const report = await runUpkeepRound(config, logger, new Date());
            status.selfChecked(report);
            connection.send(report);
          } finally {
            resolve();
          }
        });
      }),
  });

  const finishRunningEvent = async (): Promise<void> => {
    if (await settlesWithin(queue.idle(), config.stopGraceMs)) return;
    logger.warn({ graceMs: config.stopGraceMs }, 'stopping: the running event did not finish in time; ending its hook');
    stopSignal.abort();
    if (await settlesWithin(queue.idle(), HOOK_KILL_GRACE_MS + SETTLE_MS)) return;
    logger.error('stopping: the running event did not settle; the next start reports it as AgentRestarted');
  };

  connection.start();
  upkeep.start();
  metrics.start();
  logger.info({ coordinator: config.coordinatorUrl, name: config.name, agentVersion }, 'agent started');

  return {
    hostId,
    exitRequested,
    async stop() {
      stopping = true;
      pendingUpgrade?.stop();
      upkeep.stop();
      metrics.stop();
      health.stopAll();
      await finishRunningEvent();
      await connection.stop();
      logger.info('agent stopped');
    },
  };
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}
