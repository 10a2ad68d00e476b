import type { OutputLine } from '@baton/shared/protocol';
import type { AgentConfig } from '../config.js';
import type { TlsClientOptions } from '../connection/coordinator-trust.js';
import type { Logger } from '../logging.js';
import type { BundleSource } from './bundle-source.js';

/** What every step of the executor needs from the running agent. */
export interface ExecutorContext {
  config: AgentConfig;
  /** The host's credential, also used to download revisions. */
  credential: string;
  /** How the coordinator's certificate is checked when revisions are downloaded; Node's defaults when absent. */
  coordinatorTls?: TlsClientOptions;
  /** Scoped to the command (`commandId`, `deploymentId`, `event`). */
  logger: Logger;
  /** Where DownloadBundle gets the files; the coordinator when absent (local deployments pass their own). */
  bundleSource?: BundleSource;
  /** Aborted when the agent stops: a running hook script is ended and the event fails (see agent.ts). */
  signal?: AbortSignal;
  /** Each line of the hook scripts' log as it is written (streamed to the coordinator). Must not throw. */
  onOutput?: (line: OutputLine) => void;
  /** Each hook script's pid as it starts (it leads its own process group). Must not throw. */
  onScriptStarted?: (pid: number) => void;
}
