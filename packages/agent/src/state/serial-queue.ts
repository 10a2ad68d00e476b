/**
 * Runs tasks one at a time, in the order they were enqueued: the agent runs one lifecycle event at a time,
 * as the coordinator sent them. A failing task is reported and does not stop the ones behind it.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  enqueue(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch(this.onError);
  }

  /** Resolves once every task enqueued so far has settled; never rejects. */
  idle(): Promise<void> {
    return this.tail;
  }
}
