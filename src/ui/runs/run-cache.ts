/** Recent sample results by request key, so a duplicated panel, a removed neighbour or an undone change shows
 *  its result at once instead of running again. Results are never mutated after delivery, so sharing is safe. */
import type { SampleResult } from '../../api/sandbox';

export class RunCache {
  private readonly entries = new Map<string, SampleResult>();

  constructor(private readonly capacity = 24) {}

  get(key: string): SampleResult | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, result: SampleResult): void {
    this.entries.delete(key);
    this.entries.set(key, result);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}
