import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadFigures {
  requests: number;
  durationS: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

/**
 * POSTs hammered with autocannon for `durationS` on `connections` keep-alive
 * connections (after a warm-up). Every response's latency is recorded, so p95 is exact
 * (autocannon's own summary has p97.5, not p95).
 */
export async function hammer(url: string, bodies: string[], headers: Record<string, string>, opts: { connections: number; durationS: number; warmupS: number }): Promise<LoadFigures> {
  // Each request takes the next body in turn (different complaint ids), so that no gateway can
  // serve concurrent identical requests with one upstream call (Hive Gateway deduplicates).
  let turn = 0;
  const requests = [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: bodies[turn++ % bodies.length] }) }];
  const common = { url, method: 'POST' as const, requests, headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers }, connections: opts.connections };
  if (opts.warmupS > 0) await autocannon({ ...common, duration: opts.warmupS });
  const latencies: number[] = [];
  const result = await autocannon({
    ...common,
    duration: opts.durationS,
    setupClient: (client: { on: (e: string, f: (s: number, b: number, t: number) => void) => void }) => {
      client.on('response', (_status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
    },
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    durationS: result.duration,
    throughput: round(result.requests.total / result.duration),
    p50: round(percentile(latencies, 50), 2),
    p95: round(percentile(latencies, 95), 2),
    p99: round(percentile(latencies, 99), 2),
    max: round(latencies.at(-1) ?? NaN, 2),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Resident set size of a process in MiB (Linux /proc), or NaN when it is gone. */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** Samples the RSS of named processes every `everyMs`; peak and last value per process. */
export class RssSampler {
  readonly peak = new Map<string, number>();
  readonly last = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids())) {
      const v = rssMiB(pid);
      if (Number.isNaN(v)) continue;
      this.last.set(name, v);
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, v));
    }
  }

  start(everyMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }
}
