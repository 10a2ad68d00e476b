/**
 * Where secrets enter the wire and nowhere else: the runner commits run-events to its outbox without variables,
 * and this messenger adds them on every send (first delivery and redeliveries alike), so the outbox, the engine
 * state and the logs never hold a secret. Only the scriptable hooks get them: DownloadBundle and Install run no
 * user code. Results and streamed output come back through `maskEventResult` and `maskHookOutput`, so stored
 * diagnostics and logs never show a secret either.
 */
import { isScriptableHook, type CoordinatorMessage, type EventResult, type HookOutput } from '@baton/shared';
import type { Logger } from 'pino';
import type { HostMessenger } from '../runner/engine-runner.js';
import type { VariableVault } from './variable-vault.js';

export function withHookVariables(messenger: HostMessenger, vault: VariableVault, logger: Logger): HostMessenger {
  return {
    isConnected: (hostId) => messenger.isConnected(hostId),
    send(hostId, message) {
      if (message.type !== 'run-event' || !isScriptableHook(message.event)) return messenger.send(hostId, message);
      let withVariables: CoordinatorMessage;
      try {
        const { variables, secrets } = vault.forGroup(message.deployment.deploymentGroupId);
        withVariables = {
          ...message,
          ...(Object.keys(variables).length > 0 ? { variables } : {}),
          ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
        };
      } catch (error) {
        // A secret that does not open: never run the hook without it. The command stays in the outbox, unsent,
        // until the event times out; the error names the key, never a value.
        logger.error({ err: error, hostId, commandId: message.commandId }, 'cannot open the secrets of a run-event: not sent');
        return false;
      }
      return messenger.send(hostId, withVariables);
    },
  };
}

/**
 * The result with the deployment's secrets masked in its message and log tail: defence in depth, the agent has
 * masked them already, so a result whose secrets cannot be opened passes as it came (and the fault is logged).
 */
export function maskEventResult(result: EventResult, vault: VariableVault, logger: Logger): EventResult {
  const mask = maskerFor(result.commandId, vault, logger);
  const { diagnostics } = result;
  return { ...result, diagnostics: { ...diagnostics, message: mask(diagnostics.message), logTail: mask(diagnostics.logTail) } };
}

/** Streamed hook output with the deployment's secrets masked in every line, as `maskEventResult` does. */
export function maskHookOutput(output: HookOutput, vault: VariableVault, logger: Logger): HookOutput {
  const mask = maskerFor(output.commandId, vault, logger);
  return { ...output, lines: output.lines.map((line) => ({ ...line, text: mask(line.text) })) };
}

function maskerFor(commandId: string, vault: VariableVault, logger: Logger): (text: string) => string {
  try {
    return vault.maskerForCommand(commandId);
  } catch (error) {
    logger.error({ err: error, commandId }, 'cannot open the secrets to mask what a host sent');
    return (text) => text;
  }
}
