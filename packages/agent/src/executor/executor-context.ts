import type { AgentConfig } from '../config.js';
import type { Logger } from '../logging.js';
import type { BundleSource } from './bundle-source.js';

/** What every step of the executor needs from the running agent. */
export interface ExecutorContext {
  config: AgentConfig;
  /** The host's credential, also used to download revisions. */
  credential: string;
  /** Scoped to the command (`commandId`, `deploymentId`, `event`). */
  logger: Logger;
  /** Where DownloadBundle gets the files; the coordinator when absent (local deployments pass their own). */
  bundleSource?: BundleSource;
  /** Aborted when the agent stops: a running hook script is ended and the event fails (see agent.ts). */
  signal?: AbortSignal;
}
