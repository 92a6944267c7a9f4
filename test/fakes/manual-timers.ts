import type { RetryTimers } from '../../src/chat/retry-later.ts';
import { Recorder } from './recording-handlers.ts';

/** Timers that fire only when the test says: each wait is recorded with its length. */
export class ManualTimers implements RetryTimers {
  readonly waits = new Recorder<number>();
  private readonly pending = new Map<number, () => void>();
  private next = 1;

  set(run: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, run);
    this.waits.push(ms);
    return handle;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Ends every wait under way. */
  fire(): void {
    const runs = [...this.pending.values()];
    this.pending.clear();
    for (const run of runs) run();
  }
}
