/** Spaces calls evenly so that at most `perSecond` start in any second. */
export class RateLimiter {
  private next = 0;
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
      throw new RangeError(`rate must be a positive number of requests per second, received ${perSecond}`);
    }
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when the next call may start. */
  public async acquire(): Promise<void> {
    const t = this.now();
    const start = Math.max(t, this.next);
    this.next = start + this.intervalMs;
    if (start > t) {
      await this.sleep(start - t);
    }
  }
}
