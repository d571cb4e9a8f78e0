/**
 * A binary heap keyed by string with removal and update by key (pkg/scheduler/backend/heap):
 * the scheduling queue's active and back-off queues are two of these.
 */
export class KeyedHeap<T> {
  private readonly items: { key: string; v: T }[] = [];
  private readonly pos = new Map<string, number>();

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.pos.has(key);
  }

  get(key: string): T | undefined {
    const i = this.pos.get(key);
    return i === undefined ? undefined : this.items[i]!.v;
  }

  peek(): T | undefined {
    return this.items[0]?.v;
  }

  /** Adds or replaces the item under `key`. */
  push(key: string, v: T): void {
    const i = this.pos.get(key);
    if (i !== undefined) {
      this.items[i]!.v = v;
      this.fix(i);
      return;
    }
    this.items.push({ key, v });
    this.pos.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (!top) return undefined;
    this.removeAt(0);
    return top.v;
  }

  delete(key: string): T | undefined {
    const i = this.pos.get(key);
    if (i === undefined) return undefined;
    const v = this.items[i]!.v;
    this.removeAt(i);
    return v;
  }

  values(): T[] {
    return this.items.map((x) => x.v);
  }

  private removeAt(i: number): void {
    this.pos.delete(this.items[i]!.key);
    const last = this.items.pop()!;
    if (i < this.items.length) {
      this.items[i] = last;
      this.pos.set(last.key, i);
      this.fix(i);
    }
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i]!.v, this.items[p]!.v)) break;
      this.swap(i, p);
      i = p;
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.items[l]!.v, this.items[m]!.v)) m = l;
      if (r < n && this.less(this.items[r]!.v, this.items[m]!.v)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    const y = this.items[b]!;
    this.items[a] = y;
    this.items[b] = x;
    this.pos.set(y.key, a);
    this.pos.set(x.key, b);
  }
}
