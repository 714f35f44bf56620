/**
 * A token bucket per client (the token's subject, else the address): `burst` requests at
 * once, refilled at `perMinute`. In memory: one gateway instance; several instances would
 * each allow their share (a shared store is the next step when the gateway scales out).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until the next token. */
  take(client: string): number {
    const t = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(client, b);
      if (this.buckets.size > 100_000) this.evictFull();
      return 0;
    }
    this.buckets.set(client, b);
    return Math.ceil(((1 - b.tokens) / this.perMinute) * 60);
  }

  private evictFull() {
    for (const [k, b] of this.buckets) if (b.tokens >= this.burst - 1) this.buckets.delete(k);
  }
}
