/**
 * Change notification for deployments: every committed step bumps a deployment's version, and watchers
 * (`baton deploy --wait`, the API's long poll) wake up. Versions are per process: a client compares for
 * inequality, so a coordinator restart simply looks like a change.
 */
export class DeploymentWatch {
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  version(deploymentId: string): number {
    return this.versions.get(deploymentId) ?? 0;
  }

  notify(deploymentId: string): void {
    this.versions.set(deploymentId, this.version(deploymentId) + 1);
    const waiting = this.waiters.get(deploymentId);
    if (!waiting) return;
    this.waiters.delete(deploymentId);
    for (const wake of waiting) wake();
  }

  /** Resolves at once when the version differs from `seen`, else on the next change or after `timeoutMs`. */
  waitForChange(deploymentId: string, seen: number, timeoutMs: number): Promise<void> {
    if (this.version(deploymentId) !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(deploymentId) ?? new Set();
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      timer.unref();
      waiting.add(wake);
      this.waiters.set(deploymentId, waiting);
    });
  }
}
