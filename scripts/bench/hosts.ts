import type { ApiClient } from '../../packages/coordinator/src/cli/api-client.js';
import { eventually } from '../../test/harness/processes.js';

/** Waits until the coordinator counts at least `count` online hosts. */
export async function waitForOnlineHosts(api: ApiClient, count: number, timeoutMs: number): Promise<void> {
  await eventually(
    `${count} online hosts`,
    async () => {
      const hosts = await api.get<{ online: boolean }[]>('/api/v1/hosts');
      return hosts.filter((host) => host.online).length >= count ? true : undefined;
    },
    timeoutMs,
  );
}
