/**
 * `npm run bench`: figures, not assertions. Brings up the stack the way `npm start` does
 * (the bundled apps as separate processes on the local Kafka and FerretDB, in a topic
 * prefix and databases of its own), then measures
 *   1. the read path: one query over three subgraphs through our gateway, a default
 *      @apollo/gateway, Hive Gateway, and straight to the owning subgraph (the floor);
 *   2. the write path end to end: submit → registered → assigned → deadline set → timeline,
 *      at a fixed rate, at full speed, and in rate steps until latency climbs;
 *   3. consumer catch-up: lag built while the deadline service is stopped, and its drain.
 * Results: bench/results/<timestamp>.json and .md (plus latest.md / latest.json).
 * Bounded in count and time; loopback only. Settings: see tools/bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { as, createTestIssuer, freePort, gqlOk, IDENTITIES, isolatedEnv, ProcessStack, SEEDED, waitFor } from '@shagym/testing';
import { SteadyLoad, type Submission } from '../faults/load';
import { hammer, round, RssSampler, stageFigures, type LoadFigures, type StageTimes } from './measure';
import { benchInfra } from './private-infra';
import { runScale, SCALE_CFG, scaleMarkdown } from './scale';
import { storeShapes } from './store';
import { StageTracker } from './tracker';

const ROOT = join(__dirname, '..', '..', '..');
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const QUICK = process.env.BENCH_QUICK === '1';
const CFG = {
  connections: env('BENCH_CONNECTIONS', 10),
  durationS: env('BENCH_DURATION_S', QUICK ? 3 : 15),
  warmupS: env('BENCH_WARMUP_S', QUICK ? 1 : 3),
  fixedRate: env('BENCH_FIXED_RATE', 2),
  fixedCount: env('BENCH_FIXED_COUNT', QUICK ? 10 : 60),
  burstCount: env('BENCH_BURST_COUNT', QUICK ? 30 : 100),
  burstConcurrency: env('BENCH_BURST_CONCURRENCY', 16),
  steps: (process.env.BENCH_STEPS ?? (QUICK ? '1,4' : '1,2,3,4,6,8')).split(',').map(Number),
  stepS: env('BENCH_STEP_S', QUICK ? 5 : 20),
  catchupCount: env('BENCH_CATCHUP_COUNT', QUICK ? 30 : 150),
  /** Complaints the read path cycles through, one id per request in turn. */
  readIds: env('BENCH_READ_IDS', QUICK ? 10 : 50),
};
/** Which parts to run: BENCH_PARTS=read,write,catchup,store,scale,load (all by default). */
const ALL_PARTS = ['read', 'write', 'catchup', 'store', 'scale', 'load'];
const PARTS = new Set((process.env.BENCH_PARTS ?? ALL_PARTS.join(',')).split(','));
const CLASSIC_PARTS = ['read', 'write', 'catchup', 'store'];
/** Store part: collection sizes (random ids over the whole collection). */
const STORE_SIZES = (process.env.BENCH_STORE_SIZES ?? (QUICK ? '1000,5000' : '1000,20000,100000')).split(',').map(Number);
/** The scale and load parts run on a Kafka and FerretDB of their own unless BENCH_INFRA=shared. */
const SCALE_INFRA = process.env.BENCH_INFRA === 'shared' ? 'shared' : 'private';
const ORGS = [SEEDED.pscAktau, SEEDED.pscZhanaozen, 'org-psc-beineu'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL after 3 s (Hive Gateway waits for its own graceful shutdown). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
const say = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const READ_QUERY = `query Bench($id: ID!) { complaint(id: $id) { id subject status registration { incomingNumber registeredOn } deadline { dueOn } } }`;
const FLOOR_QUERY = `query Floor($id: ID!) { complaint(id: $id) { id subject } }`;

async function runClassic(results: Record<string, unknown>) {
  const infra = await import(pathToFileURL(join(ROOT, 'tools', 'infra', 'infra.mjs')).href);
  const up = await infra.up({ quiet: true });
  process.env.KAFKA_BROKERS = up.kafkaBrokers;
  process.env.MONGO_URL = up.mongoUrl;
  const iso = isolatedEnv('bench');
  iso.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
  await iso.createTopics();
  const stack = new ProcessStack(iso, join(ROOT, '.data', 'logs', 'bench'));
  const issuer = await createTestIssuer();
  const gatewayEnv = { AUTH_JWKS_FILE: issuer.jwksFile, RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_BURST: '10000000' };
  const others: ChildProcess[] = [];
  const infraPid = (c: string) => {
    try {
      return Number(readFileSync(join(ROOT, '.data', 'run', `${c}.pid`), 'utf8').trim());
    } catch {
      return undefined;
    }
  };
  const pids: Record<string, number | undefined> = {};
  let tornDown = false;
  const tearDown = async () => {
    if (tornDown) return;
    tornDown = true;
    rss.stop();
    await Promise.all(others.map(stopChild));
    await stack.stopAll();
    await iso.cleanup().catch(() => undefined);
  };
  // Ctrl-C leaves nothing behind: processes stopped, topics and databases removed.
  const interrupted = () => {
    say('interrupted, cleaning up');
    void tearDown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const rss = new RssSampler(() => ({ ...pids, ...Object.fromEntries([...stack.procs].map(([n, p]) => [n, p.child.pid])), kafka: infraPid('kafka'), ferretdb: infraPid('ferretdb') }));
  try {
    say(`starting the stack (prefix ${iso.env.KAFKA_TOPIC_PREFIX})`);
    const { gatewayUrl } = await stack.startAll(gatewayEnv);
    rss.start();
    const idle = new RssSampler(() => ({ ...Object.fromEntries([...stack.procs].map(([n, p]) => [n, p.child.pid])), kafka: infraPid('kafka'), ferretdb: infraPid('ferretdb') }));
    idle.sample();
    results.rssIdleMiB = Object.fromEntries(idle.last);

    const conn = await mongoose.createConnection(up.mongoUrl, { retryWrites: false }).asPromise();
    const db = (s: string) => conn.useDb(iso.dbName(s)).db!;

    if (PARTS.has('read')) {
      // ---- 1. read path -------------------------------------------------------------------
      say('seeding complaints for the read path');
      const seed = new SteadyLoad(gatewayUrl, issuer, ORGS);
      await seed.burst(CFG.readIds, 5);
      const seedIds = seed.acknowledged.map((s) => s.complaintId!);
      const seedId = seedIds.at(-1)!;
      const supervisor = await issuer.bearer({ sub: 'sup-bench', roles: ['SUPERVISOR'], org: 'org-adgs-mangystau', off: 'off-adgs-supervisor' });
      const signed = as(IDENTITIES.supervisor('org-adgs-mangystau', 'off-adgs-supervisor'));
      for (const id of seedIds) {
        await waitFor('the seeded complaints assigned and due', async () => {
          const d = await gqlOk(gatewayUrl, READ_QUERY, { id }, supervisor);
          return d.complaint?.status === 'ASSIGNED' && d.complaint.deadline ? d : undefined;
        }, { timeoutMs: 120_000, intervalMs: 500 });
      }

      const supergraph = readFileSync(join(ROOT, 'apps', 'gateway', 'supergraph.graphql'), 'utf8').replace(
        /@join__graph\(name: "(\w+)", url: "[^"]+"\)/g,
        (_m, name: string) => `@join__graph(name: "${name}", url: "${stack.procs.get(name)!.url}")`,
      );
      mkdirSync(join(ROOT, '.data', 'tmp'), { recursive: true });
      const supergraphFile = join(ROOT, '.data', 'tmp', `bench-supergraph-${process.pid}.graphql`);
      writeFileSync(supergraphFile, supergraph);
      const startOther = async (name: string, script: string): Promise<string | { error: string }> => {
        const port = await freePort();
        const child = spawn(process.execPath, [join(ROOT, 'tools', 'bench', script), supergraphFile, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
        let out = '';
        child.stdout!.on('data', (d) => (out += d));
        child.stderr!.on('data', (d) => (out += d));
        others.push(child);
        pids[name] = child.pid;
        const url = `http://127.0.0.1:${port}/graphql`;
        try {
          await waitFor(`${name} answering`, async () => {
            if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out.slice(-500)}`);
            const d = await gqlOk(url, READ_QUERY, { id: seedId }, signed);
            return d.complaint?.deadline ? true : undefined;
          }, { timeoutMs: 60_000, intervalMs: 500 });
          return url;
        } catch (err) {
          return { error: `${(err as Error).message.slice(0, 400)} ${out.slice(-400)}` };
        }
      };
      const apolloUrl = await startOther('apollo-default', 'apollo-default.mjs');
      const hiveUrl = await startOther('hive-gateway', 'hive-gateway.mjs');
      const targets: Array<{ key: string; label: string; url: string | { error: string }; query: string; headers: Record<string, string> }> = [
        { key: 'a', label: 'our gateway (JWT, limits, rate limit, metrics)', url: gatewayUrl, query: READ_QUERY, headers: supervisor },
        { key: 'b', label: '@apollo/gateway 2.14.4, defaults', url: apolloUrl, query: READ_QUERY, headers: signed },
        { key: 'c', label: 'intake subgraph directly (its part only: the floor)', url: stack.procs.get('intake')!.url, query: FLOOR_QUERY, headers: signed },
        { key: 'd', label: 'Hive Gateway 2.15.1, defaults', url: hiveUrl, query: READ_QUERY, headers: signed },
      ];
      const read: Record<string, unknown> = {};
      for (const t of targets) {
        if (typeof t.url !== 'string') {
          read[t.key] = { label: t.label, error: t.url.error };
          say(`read ${t.key}: skipped (${t.url.error.slice(0, 200)})`);
          continue;
        }
        const bodies = seedIds.map((id) => JSON.stringify({ query: t.query, variables: { id } }));
        const figures = await hammer(t.url, bodies, t.headers, CFG);
        read[t.key] = { label: t.label, ...figures };
        say(`read ${t.key}: ${figures.throughput} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, errors ${figures.errors}, non-2xx ${figures.non2xx}`);
      }
      const a = read.a as LoadFigures;
      for (const k of ['b', 'c', 'd']) {
        const f = read[k] as LoadFigures & { error?: string };
        if (f && !f.error) Object.assign(f, { throughputVsOurs: round(f.throughput / a.throughput, 2), p99VsOurs: round(f.p99 / a.p99, 2) });
      }
      results.read = read;
      await Promise.all(others.map(stopChild));
      rss.sample();
      results.rssAfterReadMiB = Object.fromEntries(rss.peak);
    }

    if (PARTS.has('write')) {
      // ---- 2. write path ------------------------------------------------------------------
      /** When each complaint reached each stage (ms since epoch), from the services' own stores. */
      const stages = async (subs: Submission[], timeoutMs: number) => {
        const ids = subs.map((s) => s.complaintId!).filter(Boolean);
        const seen = new Map<string, { registered?: number; assigned?: number; deadline?: number; timeline?: number }>(ids.map((id) => [id, {}]));
        const stamp = async (service: string, type: string, key: 'registered' | 'assigned' | 'deadline') => {
          const pending = ids.filter((id) => seen.get(id)![key] === undefined);
          if (!pending.length) return;
          const docs = await db(service).collection('event_log').find({ type, aggregateId: { $in: pending } }, { projection: { aggregateId: 1, createdAt: 1 } }).toArray();
          for (const d of docs) seen.get(d.aggregateId)![key] = new Date(d.createdAt).getTime();
        };
        const deadlineAt = Date.now() + timeoutMs;
        while (Date.now() < deadlineAt) {
          await stamp('registry', 'complaint.registered', 'registered');
          await stamp('routing', 'complaint.assigned', 'assigned');
          await stamp('deadline', 'deadline.set', 'deadline');
          // The timeline is complete with its first four entries (submitted, registered, assigned, term set): the last one's insert time.
          const pending = ids.filter((id) => seen.get(id)!.timeline === undefined);
          if (pending.length) {
            // Timeline slots (`timeline:<complaintId>:<n>`): `at` is when notification stored the entry.
            const slots = await db('notification').collection('timeline_slots').find({ 'data.complaintId': { $in: pending } }, { projection: { data: 1, at: 1 } }).toArray();
            const docs = slots.map((d) => ({ complaintId: d.data.complaintId as string, type: d.data.type as string, recordedAt: d.at as Date }));
            const n = new Map<string, Map<string, number>>();
            for (const d of docs) n.set(d.complaintId, (n.get(d.complaintId) ?? new Map()).set(d.type, new Date(d.recordedAt).getTime()));
            for (const [id, types] of n) if (types.size >= 4) seen.get(id)!.timeline = Math.max(...types.values());
          }
          if ([...seen.values()].every((s) => s.registered && s.assigned && s.deadline && s.timeline)) break;
          // Stage times are the stores' own timestamps, so polling seldom loses no accuracy and
          // keeps the bench's own scans (FerretDB reads whole collections) off the measured stack.
          await sleep(1_000);
        }
        return seen;
      };
      // The write part's stage times have no publication time: leave that figure out.
      const summarize = (subs: Submission[], seen: StageTimes) => {
        const { publishedMs: _none, ...figures } = stageFigures(subs, seen);
        return figures;
      };
      const write: Record<string, unknown> = {};
      say(`write path: ${CFG.fixedCount} complaints at ${CFG.fixedRate}/s`);
      {
        const load = new SteadyLoad(gatewayUrl, issuer, ORGS);
        load.start(CFG.fixedRate);
        while (load.submissions.length < CFG.fixedCount) await sleep(50);
        await load.stop(60_000);
        const subs = load.submissions.slice(0, CFG.fixedCount);
        write.fixedRate = { rate: CFG.fixedRate, ...summarize(subs, await stages(subs, 120_000)) };
      }
      say(`write path: ${CFG.burstCount} complaints at full speed (${CFG.burstConcurrency} in flight)`);
      {
        const load = new SteadyLoad(gatewayUrl, issuer, ORGS);
        const t0 = Date.now();
        await load.burst(CFG.burstCount, CFG.burstConcurrency);
        const ackS = (Date.now() - t0) / 1000;
        const summary = summarize(load.submissions, await stages(load.submissions, 300_000));
        write.fullSpeed = { concurrency: CFG.burstConcurrency, acknowledgedPerSecond: round(load.submissions.length / ackS, 1), ...summary };
      }
      const steps: Array<Record<string, unknown>> = [];
      let baseline = NaN;
      for (const rate of CFG.steps) {
        say(`write path: ${rate}/s for ${CFG.stepS} s`);
        const load = new SteadyLoad(gatewayUrl, issuer, ORGS);
        load.start(rate);
        await sleep(CFG.stepS * 1000);
        await load.stop(60_000);
        const s = summarize(load.submissions, await stages(load.submissions, 90_000));
        const p99 = s.timelineMs.p99;
        if (Number.isNaN(baseline)) baseline = p99;
        const row = { rate, offeredPerSecond: round(load.submissions.length / CFG.stepS, 1), ...s, p99VsFirstStep: round(p99 / baseline, 2) };
        steps.push(row);
        say(`  ${rate}/s: e2e p50 ${s.timelineMs.p50} ms p99 ${p99} ms, completed ${s.completed}/${s.submitted}`);
        if (s.completed < s.submitted || p99 > 3 * baseline) break;
      }
      write.steps = steps;
      const sustained = steps.filter((r) => (r.completed as number) === (r.submitted as number) && (r.p99VsFirstStep as number) <= 2).at(-1);
      write.sustainedPerSecond = sustained ? sustained.offeredPerSecond : null;
      write.sustainedRule = 'highest step whose end-to-end p99 (submit → timeline) stays within 2× the first step’s, with every complaint through';
      results.write = write;
      rss.sample();
      results.rssAfterWriteMiB = Object.fromEntries(rss.peak);
    }

    if (PARTS.has('catchup')) {
      // ---- 3. consumer catch-up -------------------------------------------------------------
      say(`catch-up: deadline stopped, ${CFG.catchupCount} complaints`);
      {
        await stack.stopService('deadline');
        const load = new SteadyLoad(gatewayUrl, issuer, ORGS);
        await load.burst(CFG.catchupCount, CFG.burstConcurrency);
        const ids = load.acknowledged.map((s) => s.complaintId!);
        await waitFor('all assigned while deadline is stopped', async () => (await db('routing').collection('event_log').countDocuments({ type: 'complaint.assigned', aggregateId: { $in: ids } })) === ids.length || undefined, { timeoutMs: 300_000, intervalMs: 500 });
        const kafka = new Kafka({ clientId: 'bench', brokers: [up.kafkaBrokers], logLevel: logLevel.NOTHING });
        const admin = kafka.admin();
        await admin.connect();
        const topic = iso.topic('complaints');
        const groupId = `${iso.env.KAFKA_GROUP_PREFIX}deadline.complaints`;
        const lag = async () => {
          const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
          const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
          return ends.reduce((s, p) => s + Number(p.high) - Math.max(Number(p.low), done.get(p.partition) ?? 0), 0);
        };
        const lagBefore = await lag();
        const t0 = Date.now();
        await stack.startService('deadline');
        const ready = Date.now();
        await waitFor('deadline drained', async () => ((await lag()) === 0 && (await db('deadline').collection('event_log').countDocuments({ type: 'deadline.set', aggregateId: { $in: ids } })) === ids.length) || undefined, { timeoutMs: 600_000, intervalMs: 200 });
        const drained = Date.now();
        await admin.disconnect();
        results.catchUp = {
          stoppedService: 'deadline',
          complaints: ids.length,
          lagMessages: lagBefore,
          startToReadyS: round((ready - t0) / 1000, 2),
          drainFromStartS: round((drained - t0) / 1000, 2),
          drainFromReadyS: round((drained - ready) / 1000, 2),
          messagesPerSecond: round(lagBefore / ((drained - t0) / 1000), 1),
        };
      }
    }
    if (PARTS.has('store')) {
      // ---- 4. the store: what one read costs as a collection grows -------------------------
      // Every service reads its log and projections by a key; whether that is O(log n) or O(n)
      // decides how throughput holds up as the data grows (the write path's later steps).
      say(`store: query shapes at ${STORE_SIZES.join(', ')} documents (random ids)`);
      results.store = { sizes: STORE_SIZES, shapes: await storeShapes(db('store'), STORE_SIZES, say) };
    }
    await conn.close();
    rss.stop();
    results.rssPeakMiB = Object.fromEntries(rss.peak);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await tearDown();
  }
}

/** The scale and load parts (tools/bench/scale.ts) on a stack of their own. */
async function runScaleParts(results: Record<string, unknown>) {
  say(`scale: ${SCALE_INFRA} Kafka and FerretDB`);
  const infra = await benchInfra(ROOT, SCALE_INFRA);
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.MONGO_URL = infra.mongoUrl;
  const iso = isolatedEnv('benchscale');
  iso.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const stack = new ProcessStack(iso, join(ROOT, '.data', 'logs', 'bench'));
  let tracker: StageTracker | null = null;
  let conn: mongoose.Connection | null = null;
  let tornDown = false;
  const tearDown = async () => {
    if (tornDown) return;
    tornDown = true;
    await tracker?.stop();
    await conn?.close().catch(() => undefined);
    await stack.stopAll();
    await iso.cleanup().catch(() => undefined);
    await infra.down();
  };
  const interrupted = () => {
    say('interrupted, cleaning up');
    void tearDown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await iso.createTopics();
    const issuer = await createTestIssuer();
    say(`scale: starting the stack (prefix ${iso.env.KAFKA_TOPIC_PREFIX})`);
    const { gatewayUrl } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile, RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_BURST: '10000000' });
    conn = await mongoose.createConnection(infra.mongoUrl, { retryWrites: false }).asPromise();
    const c = conn;
    tracker = new StageTracker(infra.kafkaBrokers, iso.topic('complaints'), c.useDb(iso.dbName('notification')).db!, Number(process.env.BENCH_POLL_MS ?? 500));
    await tracker.start();
    const scale = await runScale(
      {
        gatewayUrl,
        intakeUrl: stack.procs.get('intake')!.url,
        issuer,
        tracker,
        pids: () => ({ ...Object.fromEntries([...stack.procs].map(([n, p]) => [n, p.child.pid])), kafka: infra.pid('kafka'), ferretdb: infra.pid('ferretdb') }),
        dbs: () => ['intake', 'registry', 'routing', 'deadline', 'notification'].map((service) => ({ service, db: c.useDb(iso.dbName(service)).db! })),
        say,
        connections: CFG.connections,
        durationS: CFG.durationS,
        warmupS: CFG.warmupS,
        readIds: CFG.readIds,
      },
      PARTS,
      (partial) => (results.scale = partial),
    );
    results.scale = { infra: infra.kind, ...scale };
  } catch (err) {
    // Keep what was measured: the report is written with the error.
    say(`scale: failed: ${(err as Error)?.stack ?? err}`);
    results.scale = Object.assign((results.scale as object) ?? {}, { infra: infra.kind, error: String((err as Error)?.message ?? err).slice(0, 1000) });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await tearDown();
  }
}

async function main() {
  const results: Record<string, unknown> = {};
  const started = Date.now();
  if (CLASSIC_PARTS.some((p) => PARTS.has(p))) await runClassic(results);
  if (PARTS.has('scale') || PARTS.has('load')) await runScaleParts(results);

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    note: process.env.BENCH_MACHINE_NOTE ?? 'shared 2-core machine; other engineers’ test suites were running at the same time',
  };
  const report = { at: new Date().toISOString(), durationS: round((Date.now() - started) / 1000), machine, parts: [...PARTS], settings: { ...CFG, storeSizes: STORE_SIZES, ...(PARTS.has('scale') || PARTS.has('load') ? { scale: SCALE_CFG, scaleInfra: SCALE_INFRA } : {}) }, ...results };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.at.replace(/[:.]/g, '-').slice(0, 19);
  const md = markdown(report);
  // latest.* is the last run of every part; a run of some parts keeps only its own files.
  const everyPart = ALL_PARTS.every((p) => PARTS.has(p));
  for (const [file, text] of [
    [`${stamp}.json`, JSON.stringify(report, null, 2)],
    [`${stamp}.md`, md],
    ...(everyPart
      ? ([
          ['latest.json', JSON.stringify(report, null, 2)],
          ['latest.md', md],
        ] as const)
      : []),
  ] as const) writeFileSync(join(dir, file), `${text}\n`);
  process.stdout.write(`${md}\n`);
  say(`wrote bench/results/${stamp}.{json,md} (run took ${report.durationS} s)`);
}

function markdown(r: any): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# Benchmark ${r.at}`, '', `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. ${m.note}.`, '');
  lines.push(`Load: autocannon, ${r.settings.connections} connections, ${r.settings.warmupS} s warm-up + ${r.settings.durationS} s per target, ${r.settings.readIds} complaint ids in turn, loopback. Run took ${r.durationS} s.`, '');
  if (r.read) {
    lines.push('## 1. Read path: `complaint(id)` over intake + registry + deadline', '');
    lines.push('| target | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | req/s vs ours | p99 vs ours |', '|---|---|---|---|---|---|---|---|---|');
  }
  for (const k of ['a', 'b', 'c', 'd']) {
    const f = r.read?.[k];
    if (!f) continue;
    if (f.error) lines.push(`| (${k}) ${f.label} | — | — | — | — | not run: ${String(f.error).slice(0, 120).replace(/\|/g, '/')} | | | |`);
    else lines.push(`| (${k}) ${f.label} | ${f.throughput} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${f.throughputVsOurs ?? 1} | ${f.p99VsOurs ?? 1} |`);
  }
  if (r.write) {
    lines.push('', '## 2. Write path end to end (ms from the client sending `submitComplaint`)', '');
    lines.push('| run | complaints | acked | completed | ack p99 | registered p50 / p99 | assigned p50 / p99 | deadline set p50 / p99 | timeline p50 / p95 / p99 | completed/s |', '|---|---|---|---|---|---|---|---|---|---|');
  }
  const row = (name: string, w: any) =>
    lines.push(`| ${name} | ${w.submitted} | ${w.acknowledged} | ${w.completed} | ${w.ackMs.p99} | ${w.registeredMs.p50} / ${w.registeredMs.p99} | ${w.assignedMs.p50} / ${w.assignedMs.p99} | ${w.deadlineSetMs.p50} / ${w.deadlineSetMs.p99} | ${w.timelineMs.p50} / ${w.timelineMs.p95} / ${w.timelineMs.p99} | ${w.completedPerSecond} |`);
  if (r.write?.fixedRate) row(`fixed ${r.write.fixedRate.rate}/s`, r.write.fixedRate);
  if (r.write?.fullSpeed) row(`full speed (${r.write.fullSpeed.concurrency} in flight, ${r.write.fullSpeed.acknowledgedPerSecond} acks/s)`, r.write.fullSpeed);
  for (const s of r.write?.steps ?? []) row(`step ${s.rate}/s (offered ${s.offeredPerSecond}/s)`, s);
  if (r.write) lines.push('', `Sustained: **${r.write.sustainedPerSecond ?? '—'} complaints/s** (${r.write.sustainedRule}).`, '');
  if (r.catchUp) {
    const c = r.catchUp;
    lines.push('## 3. Consumer catch-up', '', `The ${c.stoppedService} service stopped while ${c.complaints} complaints went through: lag **${c.lagMessages} messages**; restarted, ready in ${c.startToReadyS} s, drained in **${c.drainFromStartS} s** from start (${c.drainFromReadyS} s after ready), ${c.messagesPerSecond} messages/s.`, '');
  }
  if (r.store?.rows) {
    // Reports written before 2026-12 (sequential ids among the first rows).
    lines.push('## 4. The store: one read as the collection grows (median of 21, ms)', '', '| documents | by `_id` | by an indexed field | count by an indexed field |', '|---|---|---|---|');
    for (const x of r.store.rows) lines.push(`| ${x.documents} | ${x.byIdMs} | ${x.byIndexedFieldMs} | ${x.countByFieldMs} |`);
    lines.push('');
  } else if (r.store?.shapes) {
    const sizes: number[] = r.store.sizes;
    const shapes = [...new Set(r.store.shapes.map((x: any) => x.shape))] as string[];
    lines.push('## 4. The store: query shapes as the collection grows (median ms of up to 21 runs, random ids over the whole collection; plan from `explain`)', '');
    lines.push(`| shape | stands for | ${sizes.map((n) => `${n}`).join(' | ')} | plan at ${sizes.at(-1)} | index used |`, `|---|---|${sizes.map(() => '---|').join('')}---|---|`);
    for (const name of shapes) {
      const rows = sizes.map((n) => r.store.shapes.find((x: any) => x.shape === name && x.documents === n));
      const last = rows.at(-1);
      lines.push(`| ${name} | ${rows[0]?.stands ?? ''} | ${rows.map((x: any) => (x?.medianMs === null || x === undefined ? '—' : `${x.medianMs}${x.runs < 21 ? ` (${x.runs} runs)` : ''}`)).join(' | ')} | ${String(last?.plan ?? '').replace(/\|/g, '/')} | ${last?.indexed ? 'yes' : '**no**'} |`);
    }
    lines.push('');
  }
  if (r.scale) {
    if (r.scale.error) lines.push(`**The scale parts stopped with an error:** ${String(r.scale.error).replace(/\n/g, ' ')}`, '');
    lines.push(`Scale and load parts on a ${r.scale.infra} Kafka and FerretDB.`, '');
    lines.push(...scaleMarkdown(r.scale, r.settings.connections));
  }
  if (!r.rssPeakMiB) return lines.join('\n');
  lines.push('## Memory (RSS, MiB)', '', '| process | idle after start | peak |', '|---|---|---|');
  for (const [name, peak] of Object.entries(r.rssPeakMiB ?? {})) lines.push(`| ${name} | ${r.rssIdleMiB?.[name] ?? '—'} | ${peak} |`);
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
