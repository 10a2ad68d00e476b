import type { HookOutput } from '@baton/shared';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { HookOutputBus } from './hook-output-bus.js';
import { appendHookOutput, findCommandTarget } from './hook-output-store.js';

/**
 * Where agents' `hook-output` frames land: each batch is checked against the command it names, stored, then
 * published on the bus for live followers.
 */
export class HookOutputLog {
  readonly bus: HookOutputBus;

  constructor(
    private readonly db: Database,
    logger: Logger,
  ) {
    this.bus = new HookOutputBus((error, deploymentId) => logger.error({ err: error, deploymentId }, 'hook output listener failed'));
  }

  /**
   * Stores a batch from `hostId`. Returns false, storing nothing, when no deployment sent that command to this
   * host: a host may only write output for its own commands.
   */
  record(hostId: string, output: HookOutput): boolean {
    const target = findCommandTarget(this.db, output.commandId);
    if (target?.hostId !== hostId) return false;
    this.bus.publish(target.deploymentId, appendHookOutput(this.db, target, output.seq, output.lines));
    return true;
  }
}
