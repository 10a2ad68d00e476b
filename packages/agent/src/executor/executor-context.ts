import type { AgentConfig } from '../config.js';
import type { Logger } from '../logging.js';

/** What every step of the executor needs from the running agent. */
export interface ExecutorContext {
  config: AgentConfig;
  /** The host's credential, also used to download revisions. */
  credential: string;
  /** Scoped to the command (`commandId`, `deploymentId`, `event`). */
  logger: Logger;
}
