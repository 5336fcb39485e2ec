// The one timer queue behind every node of a fleet: an indexed binary heap of node indices ordered
// by due time, in typed arrays (no object per timer, so a million nodes stay cheap).

/** Min-heap of item indices keyed by due time; each index is in it at most once. */
export class TimerQueue {
  private readonly due: Float64Array;
  private readonly heap: Int32Array;
  /** Position of an index in `heap`, -1 when absent. */
  private readonly pos: Int32Array;
  private n = 0;

  constructor(capacity: number) {
    this.due = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  has(i: number): boolean {
    return this.pos[i]! >= 0;
  }

  /** Inserts or moves `i`; a due time of Infinity (or NaN) removes it. */
  set(i: number, at: number): void {
    if (!(at < Infinity)) return this.delete(i);
    const p = this.pos[i]!;
    if (p < 0) {
      this.due[i] = at;
      this.heap[this.n] = i;
      this.pos[i] = this.n;
      this.up(this.n++);
      return;
    }
    const before = this.due[i]!;
    this.due[i] = at;
    if (at < before) this.up(p);
    else this.down(p);
  }

  delete(i: number): void {
    const p = this.pos[i]!;
    if (p < 0) return;
    const last = this.heap[--this.n]!;
    this.pos[i] = -1;
    if (p === this.n) return;
    this.heap[p] = last;
    this.pos[last] = p;
    this.up(p);
    this.down(this.pos[last]!);
  }

  /** Due time of the earliest item, Infinity when empty. */
  peekDue(): number {
    return this.n === 0 ? Infinity : this.due[this.heap[0]!]!;
  }

  dueOf(i: number): number {
    return this.pos[i]! >= 0 ? this.due[i]! : Infinity;
  }

  /** Removes and returns the earliest index (-1 when empty). */
  pop(): number {
    if (this.n === 0) return -1;
    const top = this.heap[0]!;
    this.delete(top);
    return top;
  }

  private up(p: number): void {
    const { heap, due, pos } = this;
    const item = heap[p]!;
    const d = due[item]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pi = heap[parent]!;
      if (due[pi]! <= d) break;
      heap[p] = pi;
      pos[pi] = p;
      p = parent;
    }
    heap[p] = item;
    pos[item] = p;
  }

  private down(p: number): void {
    const { heap, due, pos } = this;
    const item = heap[p]!;
    const d = due[item]!;
    const n = this.n;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      if (child + 1 < n && due[heap[child + 1]!]! < due[heap[child]!]!) child++;
      const ci = heap[child]!;
      if (due[ci]! >= d) break;
      heap[p] = ci;
      pos[ci] = p;
      p = child;
    }
    heap[p] = item;
    pos[item] = p;
  }
}
