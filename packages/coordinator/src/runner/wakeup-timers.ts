/**
 * One timer per deployment for the engine's requested wake-up. The wake-up time itself is stored with the
 * deployment, so after a restart the runner re-arms it; a timer that fires early or late is harmless because
 * the engine checks its deadlines against the time it is given.
 */
export class WakeupTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  arm(deploymentId: string, delayMs: number, fire: () => void): void {
    this.clear(deploymentId);
    const timer = setTimeout(() => {
      this.timers.delete(deploymentId);
      fire();
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.set(deploymentId, timer);
  }

  isArmed(deploymentId: string): boolean {
    return this.timers.has(deploymentId);
  }

  clear(deploymentId: string): void {
    const timer = this.timers.get(deploymentId);
    if (timer) clearTimeout(timer);
    this.timers.delete(deploymentId);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
