import type { DueTimer } from './domain/deadline';

/**
 * The scheduler's schedule in memory: a min-heap of (fireAt, timerId) over the pending timers.
 * FerretDB answers a range/sort over timers only by reading the whole collection
 * (architecture.md, "Reads that do not grow with the data"), so the store is read once at
 * start-up and the wheel is fed by this service's own writes (new timers, cancellations);
 * finding what is due, or when to wake next, then costs no database read at all.
 * Removal is lazy: a forgotten timer stays in the heap until it reaches the top and is dropped.
 */
export class TimerWheel {
  private readonly heap: Array<{ at: number; id: string }> = [];
  private readonly pending = new Map<string, DueTimer>();

  get size(): number {
    return this.pending.size;
  }

  /** Adds (or moves) a timer; adding one already there at the same instant changes nothing. */
  add(timer: DueTimer): void {
    const known = this.pending.get(timer.timerId);
    if (known && known.fireAt.getTime() === timer.fireAt.getTime()) return;
    this.pending.set(timer.timerId, timer);
    this.push({ at: timer.fireAt.getTime(), id: timer.timerId });
  }

  forget(timerId: string): void {
    this.pending.delete(timerId);
  }

  has(timerId: string): boolean {
    return this.pending.has(timerId);
  }

  /** The earliest pending instant, or null when nothing is pending. */
  next(): Date | null {
    this.dropStale();
    const top = this.heap[0];
    return top ? new Date(top.at) : null;
  }

  /** Removes and returns the timers due at `now`, earliest first (at most `limit`). */
  takeDue(now: Date, limit = Number.POSITIVE_INFINITY): DueTimer[] {
    const due: DueTimer[] = [];
    while (due.length < limit) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now.getTime()) break;
      this.pop();
      const timer = this.pending.get(top.id)!;
      this.pending.delete(top.id);
      due.push(timer);
    }
    return due;
  }

  /** Pops heap entries whose timer was forgotten or moved to another instant. */
  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top) return;
      const timer = this.pending.get(top.id);
      if (timer && timer.fireAt.getTime() === top.at) return;
      this.pop();
    }
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = t;
  }

  private push(entry: { at: number; id: string }): void {
    this.heap.push(entry);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.heap.pop();
    if (!last || !this.heap.length) return;
    this.heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
