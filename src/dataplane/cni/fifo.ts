/**
 * A first-in first-out queue with O(1) amortised push and shift (an array with a moving head,
 * compacted when the dead prefix outgrows the live part). Holds a node's free addresses.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(x: T): void {
    this.items.push(x);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }

  /** Removes the first item matching `pred` (O(n): for the rare restart adoption). */
  remove(pred: (x: T) => boolean): boolean {
    for (let i = this.head; i < this.items.length; i++) {
      if (!pred(this.items[i]!)) continue;
      this.items.splice(i, 1);
      return true;
    }
    return false;
  }
}
