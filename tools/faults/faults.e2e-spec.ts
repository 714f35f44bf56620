import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { complaintSubmitted, createTestIssuer, ProcessStack, SEEDED, SERVICES, waitFor, type IsolatedEnv, type TestIssuer } from '@shagym/testing';
import { post, SteadyLoad } from './load';
import { PrivateInfra } from './private-infra';
import { produceRawTo, readWholeTopic, verifyStores, type Verdict } from './verify';

/**
 * Fault injection under a steady load of complaints (no timed assertions: correctness only).
 * Every service, the gateway, the Kafka broker and the database are killed with SIGKILL in
 * turn and restarted while complaints keep coming; poison messages are thrown in. Then:
 * every acknowledged complaint is registered exactly once with a gapless number (R7),
 * assigned (R2), given its term (R8) and its timeline (R11) — once each — and the
 * dead-letter topic holds the poison and nothing else.
 *
 * The broker and database are a private instance on other ports (tools/faults/private-infra):
 * the shared one other tests use is never touched. `FAULTS=long` runs more load and rounds.
 */
const LONG = process.env.FAULTS === 'long';
// The long form's rate stays under what the stack sustains on this machine's FerretDB
// (bench/results): above it the backlog, not a fault, decides whether it converges in time.
const PLAN = LONG
  ? { perSecond: 1, rounds: 3, downMs: 3_000, settleMs: 3_000, convergeMs: 900_000, faultsMs: 1_500_000 }
  : { perSecond: 2, rounds: 1, downMs: 1_000, settleMs: 1_000, convergeMs: 240_000, faultsMs: 900_000 };
const ORGS = [SEEDED.pscAktau, SEEDED.pscZhanaozen, 'org-psc-beineu'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = join(__dirname, '..', '..');

describe(`fault injection under load (${LONG ? 'long' : 'short'} form)`, () => {
  const infra = new PrivateInfra();
  let iso: IsolatedEnv;
  let stack: ProcessStack;
  let issuer: TestIssuer;
  let gateway: string;
  let gatewayEnv: Record<string, string>;
  let load: SteadyLoad;
  const kills: string[] = [];
  const poison: Array<{ key: string; value: string }> = [];
  let verdict: Verdict | undefined;
  let statusProblems: string[] = [];
  let deadLetters: Array<{ reason: string; original: { key: string | null } }> = [];

  beforeAll(async () => {
    await infra.up();
    iso = infra.isolated('faults');
    await iso.createTopics();
    stack = new ProcessStack(iso);
    issuer = await createTestIssuer();
    // The fault test's own client sends many requests under one supervisor token.
    gatewayEnv = { AUTH_JWKS_FILE: issuer.jwksFile, RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST: '100000' };
    ({ gatewayUrl: gateway } = await stack.startAll(gatewayEnv));
  }, 300_000);

  afterAll(async () => {
    clearInterval(watchdog);
    await stack?.stopAll();
    await infra.destroy();
    const report = {
      form: LONG ? 'long' : 'short',
      at: new Date().toISOString(),
      complaints: load?.submissions.length ?? 0,
      acknowledged: load?.acknowledged.length ?? 0,
      failedAttempts: load?.failedAttempts ?? 0,
      kills: kills.length,
      killed: kills,
      unexpectedExits,
      lost: verdict?.lost.length ?? null,
      duplicated: verdict?.duplicated.length ?? null,
      numberingProblems: verdict?.numbering.filter((n) => n.gaps.length || n.repeated.length).length ?? null,
      unacknowledgedRegistered: verdict?.unacknowledgedRegistered ?? null,
      wrongStatus: statusProblems.length,
      deadLetters: deadLetters.length,
      poisonSent: poison.length,
    };
    mkdirSync(join(ROOT, '.data', 'faults'), { recursive: true });
    writeFileSync(join(ROOT, '.data', 'faults', 'last-report.json'), JSON.stringify({ ...report, verdict }, null, 2));
    process.stdout.write(
      `\n[faults] complaints=${report.complaints} acknowledged=${report.acknowledged} kills=${report.kills} lost=${report.lost} duplicated=${report.duplicated} ` +
        `numbering-problems=${report.numberingProblems} unexpected-exits=${unexpectedExits.length} wrong-status=${report.wrongStatus} dead-letters=${report.deadLetters} (poison sent ${report.poisonSent})\n`,
    );
  }, 120_000);

  const gatewayUrls = () => Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, stack.procs.get(s)!.url]));

  /** Restarts under way: a restarted consumer waits for its dead predecessor to leave the group. */
  const restarts: Array<Promise<unknown>> = [];
  /** Processes that died without being killed by the test (restarted as a supervisor would). */
  const unexpectedExits: string[] = [];
  const ours = new Set<string>();
  let watchdog: NodeJS.Timeout | undefined;

  const restart = (name: (typeof SERVICES)[number] | 'gateway') => {
    ours.add(name);
    const p = stack.startService(name, name === 'gateway' ? { ...gatewayUrls(), ...gatewayEnv } : {}).finally(() => ours.delete(name));
    restarts.push(p.catch((err: Error) => err));
    return p;
  };

  /** Like systemd's Restart=always: a process that exits on its own is started again, and counted. */
  function superviseStack(): void {
    watchdog = setInterval(() => {
      for (const [name, proc] of stack.procs) {
        if (ours.has(name) || (proc.child.exitCode === null && proc.child.signalCode === null)) continue;
        unexpectedExits.push(`${name} (exit ${proc.child.exitCode ?? proc.child.signalCode})`);
        void restart(name as (typeof SERVICES)[number] | 'gateway');
      }
    }, 500);
  }

  async function crash(name: (typeof SERVICES)[number] | 'gateway'): Promise<void> {
    ours.add(name);
    await stack.stopService(name, 'SIGKILL');
    kills.push(name);
    await sleep(PLAN.downMs);
    const restarted = restart(name);
    // The gateway first: the load goes through it. The others rejoin while the next one dies.
    if (name === 'gateway') await restarted;
    await sleep(PLAN.settleMs);
  }

  async function crashInfra(component: 'kafka' | 'ferretdb'): Promise<void> {
    await infra.kill(component);
    kills.push(component);
    await sleep(PLAN.downMs);
    await infra.restart();
    await sleep(PLAN.settleMs);
  }

  it('keeps taking complaints while every process, the broker and the database are killed (kill -9) and restarted', async () => {
    load = new SteadyLoad(gateway, issuer, ORGS);
    load.start(PLAN.perSecond);
    superviseStack();
    try {
      await injectFaults();
    } finally {
      await sleep(2_000);
      await load.stop();
      clearInterval(watchdog);
    }
    expect(load.refused).toEqual([]);
    expect(load.conflicting).toEqual([]);
    expect(load.acknowledged.length).toBe(load.submissions.length);
    expect(kills.length).toBe(PLAN.rounds * (SERVICES.length + 3));
  }, PLAN.faultsMs);

  async function injectFaults(): Promise<void> {
    await sleep(2_000);
    for (let round = 0; round < PLAN.rounds; round++) {
      for (const s of [...SERVICES, 'gateway'] as const) await crash(s);
      // Poison between the crashes: dead-lettered with a reason, the good ones keep flowing.
      const sample = complaintSubmitted(ORGS[0]!);
      const batch = [
        { key: `poison-json-${round}`, value: '{not json' },
        { key: `poison-type-${round}`, value: JSON.stringify({ ...complaintSubmitted(ORGS[0]!), type: 'complaint.teleported' }) },
        { key: `poison-version-${round}`, value: JSON.stringify({ ...complaintSubmitted(ORGS[0]!), version: 99 }) },
        { key: `poison-fields-${round}`, value: JSON.stringify({ ...sample, data: { complaintId: sample.subject } }) },
      ];
      await produceRawTo(infra.brokers, iso.topic('complaints'), batch);
      poison.push(...batch);
      await crashInfra('kafka');
      await crashInfra('ferretdb');
    }
    const failedRestarts = (await Promise.all(restarts)).filter((r) => r instanceof Error);
    expect(failedRestarts).toEqual([]);
  }

  it('registers every acknowledged complaint exactly once, numbers gapless and unique per organization (R7), assigned, due and on the timeline once', async () => {
    const ids = load.acknowledged.map((s) => s.complaintId!);
    expect(ids.length).toBeGreaterThan(0);
    verdict = await waitFor(
      'every acknowledged complaint registered, assigned, due and on the timeline',
      async () => {
        const v = await verifyStores(infra.mongoUrl, iso, ids);
        verdict = v;
        return v.lost.length === 0 ? v : undefined;
      },
      { timeoutMs: PLAN.convergeMs, intervalMs: 3_000 },
    ).catch(() => verdict!);
    expect(verdict.lost.slice(0, 5)).toEqual([]);
    expect(verdict.duplicated.slice(0, 5)).toEqual([]);
    expect(verdict.numbering.filter((n) => n.gaps.length || n.repeated.length)).toEqual([]);
    expect(verdict.numbering.reduce((s, n) => s + n.count, 0)).toBe(ids.length + verdict.unacknowledgedRegistered);
  }, PLAN.convergeMs + 120_000);

  it('shows every complaint through the gateway in the expected status with its number, term and timeline', async () => {
    const supervisor = await issuer.bearer({ sub: 'sup-faults', roles: ['SUPERVISOR'], org: 'org-adgs-mangystau', off: 'off-adgs-supervisor' });
    const query = `query($id: ID!) { complaint(id: $id) { status registration { incomingNumber } deadline { dueOn } timeline { type } } }`;
    const ids = load.acknowledged.map((s) => s.complaintId!);
    const problems: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const res = await post(gateway, query, { id }, supervisor);
          const c = res.body?.data?.complaint;
          const types = (c?.timeline ?? []).map((e: { type: string }) => e.type);
          if (c?.status !== 'ASSIGNED' || !c.registration?.incomingNumber || !c.deadline?.dueOn || new Set(types).size !== types.length || types.length < 4) {
            problems.push(`${id}: ${JSON.stringify(res.body)}`);
          }
        }
      }),
    );
    statusProblems = problems;
    expect(problems.slice(0, 5)).toEqual([]);
  }, 300_000);

  it('dead-letters the poisoned messages, each with its reason, and nothing else', async () => {
    const letters = await waitFor(
      'a dead letter for every poisoned message',
      async () => {
        const all = (await readWholeTopic(infra.brokers, iso.topic('deadLetter'))).map((m) => JSON.parse(m.value!));
        return poison.every((p) => all.some((l) => l.original?.key === p.key)) ? all : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    deadLetters = letters;
    expect(letters.filter((l) => !String(l.original?.key).startsWith('poison-')).map((l) => `${l.group}: ${l.reason}`)).toEqual([]);
    const reasonsOf = (prefix: string) => letters.filter((l) => l.original.key.startsWith(prefix)).map((l) => l.reason as string);
    for (const r of reasonsOf('poison-json-')) expect(r).toMatch(/malformed JSON/);
    for (const r of reasonsOf('poison-type-')) expect(r).toMatch(/unknown event type "complaint.teleported"/);
    for (const r of reasonsOf('poison-version-')) expect(r).toMatch(/unsupported version 99/);
    for (const r of reasonsOf('poison-fields-')) expect(r).toMatch(/invalid data for "complaint.submitted"/);
  }, 180_000);
});
