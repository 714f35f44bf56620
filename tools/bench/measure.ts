import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Submission } from '../faults/load';

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
  /** 2xx answers whose body carried GraphQL `errors` (counted only when asked: hammer's `countGraphqlErrors`). */
  graphqlErrors?: number;
}

/** One request of a rotation: a body, and headers of its own (e.g. the token of that complaint's complainant). */
export interface BodyWithHeaders {
  body: string;
  headers?: Record<string, string>;
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
export async function hammer(
  url: string,
  bodies: Array<string | BodyWithHeaders>,
  headers: Record<string, string>,
  opts: { connections: number; durationS: number; warmupS: number; countGraphqlErrors?: boolean },
): Promise<LoadFigures> {
  // Each request takes the next body in turn (different complaint ids), so that no gateway can
  // serve concurrent identical requests with one upstream call (Hive Gateway deduplicates).
  let turn = 0;
  let graphqlErrors = 0;
  const rotation = bodies.map((b) => (typeof b === 'string' ? { body: b } : b));
  const requests = [
    {
      setupRequest: (req: Record<string, unknown>) => {
        const next = rotation[turn++ % rotation.length]!;
        return next.headers ? { ...req, body: next.body, headers: { ...(req.headers as Record<string, string>), ...next.headers } } : { ...req, body: next.body };
      },
      ...(opts.countGraphqlErrors
        ? {
            onResponse: (status: number, body: string) => {
              if (status >= 200 && status < 300 && body.includes('"errors"')) graphqlErrors++;
            },
          }
        : {}),
    },
  ];
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
    ...(opts.countGraphqlErrors ? { graphqlErrors } : {}),
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

/** Clock ticks a second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux we run on). */
const CLK_TCK = 100;

/** CPU time (user + system, seconds) a process has used so far, from /proc/<pid>/stat; NaN when gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at state; utime, stime are fields 14, 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/**
 * CPU of named processes over a window, as % of one core (utime + stime deltas); a process
 * that is gone at either end is left out. `total` sums the rest.
 */
export async function cpuOver(pids: Record<string, number | undefined>, seconds: number, during?: () => void): Promise<{ seconds: number; percentOfOneCore: Record<string, number>; total: number }> {
  const t0 = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)]));
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(1, until - Date.now()))));
    during?.();
  }
  const wall = (performance.now() - t0) / 1000;
  const percentOfOneCore: Record<string, number> = {};
  for (const [n, p] of Object.entries(pids)) {
    const d = cpuSeconds(p) - before[n]!;
    if (Number.isFinite(d)) percentOfOneCore[n] = round((d / wall) * 100, 2);
  }
  return { seconds: round(wall, 1), percentOfOneCore, total: round(Object.values(percentOfOneCore).reduce((a, b) => a + b, 0), 2) };
}

/** When each complaint reached each stage (epoch ms), by complaint id. */
export type StageTimes = ReadonlyMap<string, { submitted?: number; registered?: number; assigned?: number; deadline?: number; timeline?: number }>;

/**
 * Milliseconds from sending to each stage, over submissions: percentiles of those that got
 * there, how many completed (timeline) and at what rate. One summary for the write and load parts.
 */
export function stageFigures(subs: Submission[], seen: StageTimes) {
  const of = (f: (s: Submission) => number | undefined) => {
    const v = subs.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((x, y) => x - y);
    return { n: v.length, p50: round(percentile(v, 50)), p95: round(percentile(v, 95)), p99: round(percentile(v, 99)), max: round(v.at(-1) ?? NaN) };
  };
  const at = (s: Submission, k: 'submitted' | 'registered' | 'assigned' | 'deadline' | 'timeline') => {
    const t = s.complaintId ? seen.get(s.complaintId)?.[k] : undefined;
    return t === undefined ? undefined : t - s.sentAt;
  };
  const done = subs.map((s) => (s.complaintId ? seen.get(s.complaintId)?.timeline : undefined)).filter((x): x is number => x !== undefined);
  const first = Math.min(...subs.map((s) => s.sentAt));
  return {
    submitted: subs.length,
    acknowledged: subs.filter((s) => s.complaintId).length,
    completed: done.length,
    ackMs: of((s) => (s.ackedAt ? s.ackedAt - s.sentAt : undefined)),
    /** Only where the stage times include the publication of `complaint.submitted` (the load part). */
    publishedMs: of((s) => at(s, 'submitted')),
    registeredMs: of((s) => at(s, 'registered')),
    assignedMs: of((s) => at(s, 'assigned')),
    deadlineSetMs: of((s) => at(s, 'deadline')),
    timelineMs: of((s) => at(s, 'timeline')),
    completedPerSecond: done.length ? round(done.length / ((Math.max(...done) - first) / 1000), 2) : 0,
  };
}
