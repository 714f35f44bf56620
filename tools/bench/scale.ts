/**
 * Issue 13's "Must show": reads that do not grow with the data, the write path at size, the
 * idle stack. Parts (BENCH_PARTS):
 *   scale — preload to each size of BENCH_PRELOAD (complaints through the whole pipeline), and
 *           at each: the cabinet query, a journal page of 50, myComplaints of 50 through our
 *           gateway; idle CPU and RSS of every process; every collection's read by `_id`;
 *   load  — at the top size: a sustained fixed rate end to end, and 200 parallel submissions
 *           to one body (all registered, numbering gapless); then idle again.
 * Every wait is bounded (timeout and stall) and says where the complaints stand when it gives
 * up; what was measured is kept.
 */
import { randomBytes } from 'node:crypto';
import { as, gql, IDENTITIES, portalSubmission, randomIin, type TestIssuer } from '@shagym/testing';
import { post, SteadyLoad, SUBMIT } from '../faults/load';
import { cpuOver, hammer, round, RssSampler, stageFigures, type LoadFigures } from './measure';
import { collectionsById, type CollectionRow } from './store';
import type { StageTracker } from './tracker';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const QUICK = process.env.BENCH_QUICK === '1';
export const SCALE_CFG = {
  preload: (process.env.BENCH_PRELOAD ?? (QUICK ? '200,1000' : '1000,20000')).split(',').map(Number),
  preloadConcurrency: env('BENCH_PRELOAD_CONCURRENCY', 32),
  /** At most this many complaints submitted and not yet through the pipeline (keeps the backlog sane). */
  preloadBacklog: env('BENCH_PRELOAD_BACKLOG', 2_000),
  /** Per preload step: 600 s + 0.1 s a complaint, unless set. */
  preloadTimeoutS: process.env.BENCH_PRELOAD_TIMEOUT_S ? Number(process.env.BENCH_PRELOAD_TIMEOUT_S) : null,
  stallS: env('BENCH_STALL_S', 120),
  idleS: env('BENCH_IDLE_S', QUICK ? 10 : 60),
  sustainedRate: env('BENCH_SUSTAINED_RATE', 50),
  sustainedS: env('BENCH_SUSTAINED_S', QUICK ? 10 : 30),
  drainTimeoutS: env('BENCH_DRAIN_TIMEOUT_S', 180),
  oneBodyCount: env('BENCH_ONE_BODY_COUNT', 200),
  oneBodyTimeoutS: env('BENCH_ONE_BODY_TIMEOUT_S', 300),
  oneBody: process.env.BENCH_ONE_BODY ?? 'org-psc-aktau',
  /** Journal pages walked at most to find cursors spread over the journal. */
  journalWalkPages: env('BENCH_JOURNAL_WALK_PAGES', 400),
};

/** The bodies complaints are spread over: the PSCs with auto-assignment, each with its head. */
export const BODIES = ['org-psc-aktau', 'org-psc-zhanaozen', 'org-psc-beineu', 'org-psc-karakiya', 'org-psc-mangystau-district', 'org-psc-munaily', 'org-psc-tupkaragan'];
const headOf = (org: string) => `off-${org.replace('org-psc-', '')}-head`;

export const CABINET_QUERY = `query Cabinet($id: ID!) { complaint(id: $id) { id subject status submittedAt registration { incomingNumber registeredOn } assignment { assignedAt executor { id fullName } } deadline { dueOn remainingWorkingDays state } timeline { type occurredAt title } } }`;
export const JOURNAL_QUERY = `query Journal($org: ID!, $year: Int!, $after: String) { registrationJournal(organizationId: $org, year: $year, first: 50, after: $after) { entries { registration { incomingNumber registeredOn } complaint { id status subject deadline { dueOn } } } nextCursor } }`;
const JOURNAL_WALK = `query JournalWalk($org: ID!, $year: Int!, $after: String) { registrationJournal(organizationId: $org, year: $year, first: 50, after: $after) { entries { registration { sequence } } nextCursor } }`;
export const MY_COMPLAINTS_QUERY = `query Mine { myComplaints(first: 50) { id subject status registration { incomingNumber registeredOn } deadline { dueOn } } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SUBJECTS = ['Отказ в приёме документов', 'Нарушение срока оказания услуги', 'Грубость сотрудника ЦОН', 'Требование лишних документов', 'Очередь более двух часов'];

export interface ScaleContext {
  gatewayUrl: string;
  intakeUrl: string;
  issuer: TestIssuer;
  tracker: StageTracker;
  /** Every process of the stack (services, gateway, Kafka, FerretDB) by name. */
  pids: () => Record<string, number | undefined>;
  dbs: () => Array<{ service: string; db: import('mongoose').mongo.Db }>;
  say: (m: string) => void;
  connections: number;
  durationS: number;
  warmupS: number;
  readIds: number;
}

/**
 * The preloaded complaints: who filed each (for its CITIZEN token) and to which body. One
 * complainant files the first 60 and every 20th after (the myComplaints probe: ≥ 50 at any
 * size ≥ 60); the rest come from a pool of 500 complainants.
 */
class Population {
  readonly run = randomBytes(4).toString('hex');
  readonly heavyIin = randomIin();
  readonly pool = Array.from({ length: 500 }, () => randomIin());
  readonly iinOf = new Map<string, string>();
  readonly ids: string[] = [];
  next = 0;

  iinFor(i: number): string {
    return i < 60 || i % 20 === 0 ? this.heavyIin : this.pool[i % this.pool.length]!;
  }
}

/** `onStart` gets the result object at once: it fills as the run goes, so a failure keeps what was measured. */
export async function runScale(ctx: ScaleContext, parts: Set<string>, onStart?: (out: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
  const { say, tracker } = ctx;
  const pop = new Population();
  const sizes: Array<Record<string, unknown>> = [];
  const out: Record<string, unknown> = { sizes };
  onStart?.(out);
  const sizesToRun = parts.has('scale') ? SCALE_CFG.preload : [SCALE_CFG.preload.at(-1)!];
  for (const [k, target] of sizesToRun.entries()) {
    const rss = new RssSampler(ctx.pids);
    rss.start();
    const row: Record<string, unknown> = { target };
    sizes.push(row);
    row.preload = await preloadTo(ctx, pop, target);
    row.stored = pop.ids.length;
    row.throughPipeline = tracker.reached(pop.ids, 'timeline');
    if (parts.has('scale')) {
      row.reads = await measureReads(ctx, pop);
      // Requests still in flight when autocannon stopped are still being answered: let them end.
      const settleS = settleAfter(row.reads as Record<string, { max?: number }>);
      say(`scale @${target}: settling ${settleS} s, then idle ${SCALE_CFG.idleS} s (CPU and RSS of every process; the bench's own consumer paused)`);
      await sleep(settleS * 1000);
      tracker.pause();
      row.idle = await cpuOver(ctx.pids(), SCALE_CFG.idleS, () => rss.sample()).finally(() => tracker.resume());
      row.rssIdleMiB = { ...Object.fromEntries(rss.last), total: sum(rss.last) };
      say(`scale @${target}: idle CPU ${(row.idle as { total: number }).total} % of one core, RSS ${sum(rss.last)} MiB`);
      say(`scale @${target}: every collection read by _id`);
      row.collections = await collectionsById(ctx.dbs(), { runs: 21, budgetMs: 5_000 }).catch((err) => ({ error: (err as Error).message }));
    }
    rss.stop();
    row.rssPeakMiB = { ...Object.fromEntries(rss.peak), total: sum(rss.peak) };
    if (k === sizesToRun.length - 1 && parts.has('load')) out.load = await measureLoad(ctx, pop);
  }
  return out;
}

/** Seconds to wait after the reads: twice the slowest answer seen (at least 5, at most 60). */
const settleAfter = (reads: Record<string, { max?: number; oneRequestMs?: number }>) =>
  Math.round(Math.min(60, Math.max(5, (2 * Math.max(0, ...Object.values(reads).flatMap((r) => [r.max ?? 0, r.oneRequestMs ?? 0].filter(Number.isFinite)))) / 1000)));

const sum = (m: Map<string, number>) => round([...m.values()].reduce((a, b) => a + b, 0));

/** Submits until `target` complaints are stored, straight to intake (signed CITIZEN identity), then waits until all are through the pipeline. */
async function preloadTo(ctx: ScaleContext, pop: Population, target: number): Promise<Record<string, unknown>> {
  const { say, tracker } = ctx;
  const timeoutMs = (SCALE_CFG.preloadTimeoutS ?? 600 + target / 10) * 1000;
  const t0 = Date.now();
  const until = t0 + timeoutMs;
  const startCount = pop.ids.length;
  const startTimeline = tracker.reached(pop.ids, 'timeline');
  let failed = 0;
  let lastError = '';
  let stop = false;
  say(`preload: ${startCount} → ${target} complaints (${SCALE_CFG.preloadConcurrency} in flight, straight to intake)`);
  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    const done = tracker.reached(pop.ids, 'timeline');
    say(`preload → ${target}: acknowledged ${pop.ids.length} (${round((pop.ids.length - startCount) / s, 1)}/s), registered ${tracker.reached(pop.ids, 'registered')}, assigned ${tracker.reached(pop.ids, 'assigned')}, deadline ${tracker.reached(pop.ids, 'deadline')}, timeline ${done} (${round((done - startTimeline) / s, 1)}/s)${failed ? `, failed attempts ${failed}` : ''}`);
  }, 5_000);
  const worker = async () => {
    while (!stop && pop.next < target && Date.now() < until) {
      // Backpressure: do not run more than `preloadBacklog` ahead of the pipeline.
      if (pop.ids.length - tracker.counts.timeline >= SCALE_CFG.preloadBacklog) {
        await sleep(200);
        continue;
      }
      const i = pop.next++;
      const iin = pop.iinFor(i);
      const input = portalSubmission({
        idempotencyKey: `preload-${pop.run}-${i}`,
        addresseeOrganizationId: BODIES[i % BODIES.length],
        subject: `${SUBJECTS[i % SUBJECTS.length]} (${i})`,
        text: `Обращение ${i}: в ЦОН мне отказали в приёме документов без объяснения причин.`,
      });
      input.complainant.individual.iin = iin;
      const headers = as(IDENTITIES.citizen(iin));
      for (let attempt = 1; ; attempt++) {
        const res = await post(ctx.intakeUrl, SUBMIT, { input }, headers, 30_000);
        const id = res.body?.data?.submitComplaint?.complaint?.id as string | undefined;
        if (id) {
          pop.ids.push(id);
          pop.iinOf.set(id, iin);
          break;
        }
        failed++;
        lastError = res.error ?? JSON.stringify(res.body?.errors?.[0] ?? res.status).slice(0, 300);
        const code = res.body?.errors?.[0]?.extensions?.code;
        if (code === 'BAD_USER_INPUT' || code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || attempt >= 8 || Date.now() > until) {
          say(`preload: complaint ${i} not accepted after ${attempt} attempts: ${lastError}`);
          break;
        }
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: SCALE_CFG.preloadConcurrency }, worker));
  } finally {
    stop = true;
    clearInterval(progress);
  }
  const ackedS = (Date.now() - t0) / 1000;
  const waited = await tracker.waitFor(pop.ids, 'timeline', { timeoutMs: Math.max(10_000, until - Date.now()), stallMs: SCALE_CFG.stallS * 1000, label: `preload → ${target}`, say });
  const totalS = (Date.now() - t0) / 1000;
  const added = pop.ids.length - startCount;
  const result = {
    target,
    acknowledged: pop.ids.length,
    failedAttempts: failed,
    ...(failed ? { lastError } : {}),
    acknowledgedPerSecond: round(added / ackedS, 1),
    throughPipeline: tracker.reached(pop.ids, 'timeline'),
    completedPerSecond: round((tracker.reached(pop.ids, 'timeline') - startTimeline) / totalS, 1),
    seconds: round(totalS),
    complete: waited.ok && pop.ids.length >= target,
    ...(waited.message ? { incomplete: waited.message } : {}),
  };
  say(`preload → ${target}: ${result.throughPipeline}/${result.acknowledged} through in ${result.seconds} s (${result.completedPerSecond}/s)${result.complete ? '' : ' — INCOMPLETE'}`);
  return result;
}

const shuffle = <T>(a: T[]) => {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

/** One query hammered through our gateway, after a check that it answers without errors. */
async function measureQuery(ctx: ScaleContext, label: string, bodies: Array<{ body: string; headers: Record<string, string> }>, check: (data: any) => string | null): Promise<Record<string, unknown>> {
  const first = bodies[0];
  if (!first) return { error: 'nothing to ask for (no complaint through the pipeline)' };
  const { query, variables } = JSON.parse(first.body);
  const t = performance.now();
  const res = await gql(ctx.gatewayUrl, query, variables, first.headers).catch((err: Error) => ({ errors: [{ message: err.message }], data: undefined }));
  const oneMs = round(performance.now() - t);
  const problem = res.errors?.length ? JSON.stringify(res.errors).slice(0, 300) : check(res.data);
  if (problem) {
    ctx.say(`${label}: not measured — ${problem}`);
    return { error: problem, oneRequestMs: oneMs };
  }
  const f: LoadFigures = await hammer(ctx.gatewayUrl, bodies, {}, { connections: ctx.connections, durationS: ctx.durationS, warmupS: ctx.warmupS, countGraphqlErrors: true });
  ctx.say(`${label}: ${f.throughput} req/s, p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms, errors ${f.errors}, non-2xx ${f.non2xx}, GraphQL errors ${f.graphqlErrors}`);
  return { ...f, oneRequestMs: oneMs, distinctBodies: bodies.length };
}

async function measureReads(ctx: ScaleContext, pop: Population): Promise<Record<string, unknown>> {
  const { tracker, issuer, say } = ctx;
  const reads: Record<string, unknown> = {};
  // (a) the cabinet: random complaints through the whole pipeline, each asked by its complainant.
  const through = pop.ids.filter((id) => tracker.seen.get(id)?.timeline !== undefined);
  const sample = shuffle([...(through.length ? through : pop.ids)]).slice(0, ctx.readIds);
  const tokens = new Map<string, Record<string, string>>();
  for (const id of sample) {
    const iin = pop.iinOf.get(id)!;
    if (!tokens.has(iin)) tokens.set(iin, await issuer.bearer({ sub: `citizen-${iin}`, roles: ['CITIZEN'], iin }));
  }
  say(`reads @${pop.ids.length}: cabinet query over ${sample.length} random complaints, as their complainants`);
  reads.cabinet = await measureQuery(
    ctx,
    'cabinet',
    sample.map((id) => ({ body: JSON.stringify({ query: CABINET_QUERY, variables: { id } }), headers: tokens.get(pop.iinOf.get(id)!)! })),
    (d) => (d?.complaint?.assignment?.executor && d.complaint.deadline && d.complaint.registration && d.complaint.timeline?.length >= 4 ? null : `incomplete answer: ${JSON.stringify(d).slice(0, 300)}`),
  );

  // (b) a journal page of 50: the body with the most registrations, as its head; pages spread over the journal.
  const byOrg = new Map<string, { n: number; year: number }>();
  for (const id of pop.ids) {
    const p = tracker.seen.get(id);
    if (p?.organizationId && p.year) byOrg.set(p.organizationId, { n: (byOrg.get(p.organizationId)?.n ?? 0) + 1, year: Math.max(p.year, byOrg.get(p.organizationId)?.year ?? 0) });
  }
  const [org, { year } = { year: new Date().getFullYear() }] = [...byOrg].sort((a, b) => b[1].n - a[1].n)[0] ?? [BODIES[0]!, undefined];
  const head = await issuer.bearer({ sub: headOf(org), roles: ['HEAD'], org, off: headOf(org) });
  const cursors: Array<string | null> = [null];
  const walkUntil = Date.now() + 120_000;
  let walkError: string | undefined;
  for (let after: string | null = null; cursors.length < SCALE_CFG.journalWalkPages && Date.now() < walkUntil; ) {
    const r = await post(ctx.gatewayUrl, JOURNAL_WALK, { org, year, after }, head, 60_000);
    const page = r.body?.data?.registrationJournal as { nextCursor: string | null } | undefined;
    if (!page) {
      walkError = r.error ?? JSON.stringify(r.body?.errors ?? r.status).slice(0, 300);
      break;
    }
    if (!page.nextCursor) break;
    after = page.nextCursor;
    cursors.push(after);
  }
  const spread = cursors.length <= 20 ? cursors : Array.from({ length: 20 }, (_, i) => cursors[Math.floor((i * (cursors.length - 1)) / 19)]!);
  say(`reads @${pop.ids.length}: journal of ${org} ${year} (${byOrg.get(org)?.n ?? 0} registered; ${cursors.length} pages walked${walkError ? `, walk stopped: ${walkError}` : ''}), ${spread.length} pages in turn, as its head`);
  reads.journal = {
    organizationId: org,
    year,
    registered: byOrg.get(org)?.n ?? 0,
    pagesWalked: cursors.length,
    pagesInTurn: spread.length,
    ...(walkError ? { walkError } : {}),
    ...(await measureQuery(
      ctx,
      'journal page of 50',
      spread.map((after) => ({ body: JSON.stringify({ query: JOURNAL_QUERY, variables: { org, year, after } }), headers: head })),
      (d) => (d?.registrationJournal?.entries?.length ? null : `empty page: ${JSON.stringify(d).slice(0, 200)}`),
    )),
  };

  // (c) myComplaints of 50, as the complainant with the most complaints.
  const heavyCount = pop.ids.filter((id) => pop.iinOf.get(id) === pop.heavyIin).length;
  const heavy = await issuer.bearer({ sub: `citizen-${pop.heavyIin}`, roles: ['CITIZEN'], iin: pop.heavyIin });
  say(`reads @${pop.ids.length}: myComplaints(first: 50) of a complainant with ${heavyCount} complaints`);
  let listed = 0;
  reads.myComplaints = {
    complainantHas: heavyCount,
    ...(await measureQuery(ctx, 'myComplaints of 50', [{ body: JSON.stringify({ query: MY_COMPLAINTS_QUERY, variables: {} }), headers: heavy }], (d) => {
      listed = d?.myComplaints?.length ?? 0;
      return listed ? null : `empty list: ${JSON.stringify(d).slice(0, 200)}`;
    })),
  };
  (reads.myComplaints as Record<string, unknown>).listed = listed;
  return reads;
}

async function measureLoad(ctx: ScaleContext, pop: Population): Promise<Record<string, unknown>> {
  const { say, tracker } = ctx;
  const load: Record<string, unknown> = { storedBefore: pop.ids.length };
  const { sustainedRate: rate, sustainedS } = SCALE_CFG;
  // 1. a sustained fixed rate through our gateway (CITIZEN tokens), end to end.
  {
    say(`load @${pop.ids.length}: ${rate}/s for ${sustainedS} s through the gateway, end to end`);
    const rss = new RssSampler(ctx.pids);
    rss.start();
    const steady = new SteadyLoad(ctx.gatewayUrl, ctx.issuer, BODIES, Math.max(16, rate * 4));
    const t0 = Date.now();
    steady.start(rate);
    await sleep(sustainedS * 1000);
    await steady.stop(30_000);
    const sentS = (Date.now() - t0) / 1000;
    const ids = steady.acknowledged.map((s) => s.complaintId!);
    const waited = await tracker.waitFor(ids, 'timeline', { timeoutMs: SCALE_CFG.drainTimeoutS * 1000, stallMs: SCALE_CFG.stallS * 1000, label: `load ${rate}/s`, say });
    rss.stop();
    const f = stageFigures(steady.submissions, tracker.seen);
    load.sustained = {
      rate,
      seconds: sustainedS,
      offeredPerSecond: round(steady.submissions.length / sustainedS, 1),
      skippedTicks: steady.skippedTicks,
      sendingS: round(sentS, 1),
      ...f,
      complete: waited.ok,
      ...(waited.message ? { incomplete: waited.message } : {}),
      rssPeakMiB: { ...Object.fromEntries(rss.peak), total: sum(rss.peak) },
    };
    for (const id of ids) pop.ids.push(id);
    say(`load ${rate}/s: offered ${round(steady.submissions.length / sustainedS, 1)}/s, completed ${f.completed}/${f.submitted}, ${f.completedPerSecond}/s; e2e p50 ${f.timelineMs.p50} ms p99 ${f.timelineMs.p99} ms; RSS peak total ${sum(rss.peak)} MiB`);
  }
  // 2. many parallel submissions to one body: all registered, numbering gapless.
  {
    const n = SCALE_CFG.oneBodyCount;
    say(`load: ${n} parallel submissions to ${SCALE_CFG.oneBody}`);
    const burst = new SteadyLoad(ctx.gatewayUrl, ctx.issuer, [SCALE_CFG.oneBody], n);
    const t0 = Date.now();
    await burst.burst(n, n);
    const ackS = (Date.now() - t0) / 1000;
    const ids = burst.acknowledged.map((s) => s.complaintId!);
    const waited = await tracker.waitFor(ids, 'registered', { timeoutMs: SCALE_CFG.oneBodyTimeoutS * 1000, stallMs: SCALE_CFG.stallS * 1000, label: `${n} to one body`, say });
    const regs = ids.map((id) => tracker.seen.get(id)?.registered).filter((x): x is number => x !== undefined);
    const numbering = tracker.numbering(SCALE_CFG.oneBody, ids);
    load.oneBody = {
      organizationId: SCALE_CFG.oneBody,
      submitted: burst.submissions.length,
      acknowledged: ids.length,
      refused: burst.refused.length,
      allAcknowledgedS: round(ackS, 2),
      registered: regs.length,
      allRegisteredS: regs.length === n ? round((Math.max(...regs) - t0) / 1000, 2) : null,
      lastRegisteredS: regs.length ? round((Math.max(...regs) - t0) / 1000, 2) : null,
      numbering,
      gapless: numbering.gaps.length === 0 && numbering.duplicates.length === 0 && numbering.idsConsecutive === true,
      ...(waited.message ? { incomplete: waited.message } : {}),
    };
    for (const id of ids) pop.ids.push(id);
    const o = load.oneBody as Record<string, unknown>;
    say(`one body: ${ids.length}/${n} acknowledged in ${o.allAcknowledgedS} s, ${regs.length} registered, last after ${o.lastRegisteredS} s; gapless ${o.gapless} (${JSON.stringify(numbering)})`);
  }
  // 3. idle after the loads, once everything is through.
  {
    await tracker.waitFor(pop.ids, 'timeline', { timeoutMs: SCALE_CFG.drainTimeoutS * 1000, stallMs: SCALE_CFG.stallS * 1000, label: 'drain before idle', say });
    const rss = new RssSampler(ctx.pids);
    rss.start();
    say(`load: idle ${SCALE_CFG.idleS} s after the loads`);
    await sleep(5_000);
    tracker.pause();
    load.idleAfter = await cpuOver(ctx.pids(), SCALE_CFG.idleS, () => rss.sample()).finally(() => tracker.resume());
    rss.stop();
    load.rssIdleAfterMiB = { ...Object.fromEntries(rss.last), total: sum(rss.last) };
    load.storedAfter = pop.ids.length;
    say(`load: idle CPU after the loads ${(load.idleAfter as { total: number }).total} % of one core`);
  }
  return load;
}

/** The report's sections for these parts. */
export function scaleMarkdown(s: any, connections: number): string[] {
  const lines: string[] = [];
  const sizes: any[] = s.sizes ?? [];
  const fmt = (x: unknown) => (x === undefined || x === null || (typeof x === 'number' && !Number.isFinite(x)) ? '—' : String(x));
  lines.push('## Scale: reads that do not grow with the data (issue 13)', '');
  lines.push('| size | stored | through the pipeline | preload acks/s | preload completed/s | preload s | complete |', '|---|---|---|---|---|---|---|');
  for (const z of sizes) lines.push(`| ${z.target} | ${z.stored} | ${z.throughPipeline} | ${fmt(z.preload?.acknowledgedPerSecond)} | ${fmt(z.preload?.completedPerSecond)} | ${fmt(z.preload?.seconds)} | ${z.preload?.complete ? 'yes' : `**no**: ${String(z.preload?.incomplete ?? '').replace(/\|/g, '/')}`} |`);
  const withReads = sizes.filter((z) => z.reads);
  if (withReads.length) {
    lines.push('', `Through our gateway, ${connections} connections (autocannon); ms. Ratio = p50 at the last size / p50 at the first (issue 13 wants ≤ 1.5). n = answers within the measured window (— when none came back in it: every answer slower than the window).`, '');
    lines.push(`| query | ${withReads.map((z) => `p50 @${z.target}`).join(' | ')} | ratio | ${withReads.map((z) => `p95 / p99 @${z.target}`).join(' | ')} | ${withReads.map((z) => `req/s (n) @${z.target}`).join(' | ')} | one request alone, ms | errors |`);
    lines.push(`|---|${withReads.map(() => '---|').join('')}---|${withReads.map(() => '---|').join('')}${withReads.map(() => '---|').join('')}---|---|`);
    const names: Array<[string, string]> = [
      ['cabinet', 'cabinet: `complaint(id)` + registration, assignment, deadline, timeline (as the complainant)'],
      ['journal', 'registry journal page of 50 (as the head)'],
      ['myComplaints', '`myComplaints(first: 50)`'],
    ];
    for (const [k, label] of names) {
      const f = withReads.map((z) => z.reads[k] ?? {});
      const p50s = f.map((x) => x.p50);
      const ratio = p50s.length > 1 && Number.isFinite(p50s[0]) && Number.isFinite(p50s.at(-1)) ? round(p50s.at(-1) / p50s[0], 2) : null;
      const errs = f.map((x) => (x.error ? `not measured: ${String(x.error).slice(0, 80).replace(/\|/g, '/')}` : `${x.errors ?? 0}/${x.non2xx ?? 0}/${x.graphqlErrors ?? 0}`)).join('; ');
      lines.push(`| ${label} | ${p50s.map(fmt).join(' | ')} | **${fmt(ratio)}** | ${f.map((x) => `${fmt(x.p95)} / ${fmt(x.p99)}`).join(' | ')} | ${f.map((x) => `${fmt(x.throughput)} (${fmt(x.requests)})`).join(' | ')} | ${f.map((x) => fmt(x.oneRequestMs)).join(' / ')} | ${errs} |`);
    }
    const j = withReads.map((z) => z.reads.journal);
    const m = withReads.map((z) => z.reads.myComplaints);
    lines.push('', `Errors = transport errors / non-2xx / 2xx with GraphQL errors. Journal: ${j.map((x, i) => `@${withReads[i].target} ${x?.organizationId} ${x?.year}, ${x?.registered} registered, ${x?.pagesInTurn} pages in turn of ${x?.pagesWalked} walked`).join('; ')}. myComplaints: ${m.map((x, i) => `@${withReads[i].target} the complainant has ${x?.complainantHas}, listed ${x?.listed}`).join('; ')}.`, '');
  }
  const idle = sizes.filter((z) => z.idle);
  if (idle.length || s.load?.idleAfter) {
    const cols = [...idle.map((z) => ({ name: `@${z.target}`, cpu: z.idle, rssIdle: z.rssIdleMiB, rssPeak: z.rssPeakMiB })), ...(s.load?.idleAfter ? [{ name: 'after the loads', cpu: s.load.idleAfter, rssIdle: s.load.rssIdleAfterMiB, rssPeak: s.load.sustained?.rssPeakMiB }] : [])];
    const procs = [...new Set(cols.flatMap((c) => [...Object.keys(c.cpu?.percentOfOneCore ?? {}), ...Object.keys(c.rssPeak ?? {})]))].filter((p) => p !== 'total');
    lines.push(`### Idle CPU (% of one core over ${fmt(cols[0]?.cpu?.seconds)} s, /proc utime+stime) and RSS (MiB: idle / peak${s.load?.sustained ? '; "after the loads": peak under the sustained rate' : ''})`, '');
    lines.push(`| process | ${cols.map((c) => `CPU ${c.name}`).join(' | ')} | ${cols.map((c) => `RSS ${c.name}`).join(' | ')} |`, `|---|${cols.map(() => '---|').join('')}${cols.map(() => '---|').join('')}`);
    for (const p of [...procs, 'total']) {
      const cpu = cols.map((c) => (p === 'total' ? `**${fmt(c.cpu?.total)}**` : fmt(c.cpu?.percentOfOneCore?.[p])));
      const mem = cols.map((c) => `${p === 'total' ? '**' : ''}${fmt(c.rssIdle?.[p])} / ${fmt(c.rssPeak?.[p])}${p === 'total' ? '**' : ''}`);
      lines.push(`| ${p} | ${cpu.join(' | ')} | ${mem.join(' | ')} |`);
    }
    lines.push('');
  }
  if (s.load) {
    const l = s.load;
    lines.push(`### Write path at ${l.storedBefore} stored`, '');
    if (l.sustained) {
      const w = l.sustained;
      lines.push(`${w.rate}/s for ${w.seconds} s through our gateway (offered ${w.offeredPerSecond}/s, ${w.skippedTicks} ticks skipped at the in-flight bound): **${w.completed}/${w.submitted} through, ${w.completedPerSecond} completed/s**${w.complete ? '' : ` — **incomplete**: ${w.incomplete}`}. ms from sending:`, '');
      lines.push('| stage | n | p50 | p95 | p99 | max |', '|---|---|---|---|---|---|');
      for (const [k, label] of [['ackMs', 'acknowledged'], ['publishedMs', 'complaint.submitted published'], ['registeredMs', 'registered'], ['assignedMs', 'assigned'], ['deadlineSetMs', 'deadline set'], ['timelineMs', 'timeline (end to end)']] as const) {
        const x = w[k];
        lines.push(`| ${label} | ${x.n} | ${fmt(x.p50)} | ${fmt(x.p95)} | ${fmt(x.p99)} | ${fmt(x.max)} |`);
      }
      lines.push('');
    }
    if (l.oneBody) {
      const o = l.oneBody;
      const nb = o.numbering;
      lines.push(`${o.submitted} parallel submissions to ${o.organizationId}: ${o.acknowledged} acknowledged in ${o.allAcknowledgedS} s; **${o.registered} registered, all within ${fmt(o.allRegisteredS)} s** (last at ${fmt(o.lastRegisteredS)} s); numbering **${o.gapless ? 'gapless' : 'NOT gapless'}** (their numbers ${fmt(nb.idsRange?.[0])}–${fmt(nb.idsRange?.[1])}, consecutive ${nb.idsConsecutive}; the body's journal: ${nb.registered} numbers up to ${nb.highest}, gaps ${JSON.stringify(nb.gaps)}, duplicates ${JSON.stringify(nb.duplicates)})${o.incomplete ? ` — ${o.incomplete}` : ''}.`, '');
    }
  }
  const colls = sizes.filter((z) => Array.isArray(z.collections));
  if (colls.length) {
    lines.push('### Every collection of the services, read by a random existing `_id` (median ms, plan)', '');
    lines.push(`| service | collection | ${colls.map((z) => `docs @${z.target}`).join(' | ')} | ${colls.map((z) => `ms @${z.target}`).join(' | ')} | plan (last size) |`, `|---|---|${colls.map(() => '---|').join('')}${colls.map(() => '---|').join('')}---|`);
    const keys = [...new Set(colls.flatMap((z) => (z.collections as CollectionRow[]).map((c) => `${c.service}.${c.collection}`)))].sort();
    for (const key of keys) {
      const [service, ...rest] = key.split('.');
      const collection = rest.join('.');
      const at = colls.map((z) => (z.collections as CollectionRow[]).find((c) => c.service === service && c.collection === collection));
      const last = [...at].reverse().find(Boolean);
      lines.push(`| ${service} | ${collection} | ${at.map((c) => fmt(c?.documents)).join(' | ')} | ${at.map((c) => fmt(c?.byIdMs)).join(' | ')} | ${!last?.documents ? '(empty)' : `${last.indexed ? '' : '**'}${String(last.plan).replace(/\|/g, '/')}${last.indexed ? '' : '**'}`} |`);
    }
    lines.push('');
  }
  return lines;
}
