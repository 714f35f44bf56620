import mongoose, { type Connection } from 'mongoose';
import { createTestIssuer, gql, isolatedEnv, portalSubmission, ProcessStack, SEEDED, waitFor, type TestIssuer } from '@shagym/testing';

/**
 * Retention on an idle stack (issue 15; DEVELOPERS.md, "Retention"): the five services run as
 * processes with their retention job every few seconds. What was left weeks ago (processed
 * event ids, dead-letter markers, the leases of a timer done long ago, a finished delivery) is
 * pruned by each service's own job; what a complaint just wrote stays; and once the stack is
 * idle, two more runs of every job later, no collection of any service has grown.
 */
const SERVICES = ['intake', 'registry', 'routing', 'deadline', 'notification'] as const;
const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;
const COMPLAINT = `query($id: ID!) { complaint(id: $id) { id status deadline { dueOn } timeline { type } } }`;
const DAY = 86_400_000;

describe('retention on an idle stack', () => {
  const iso = isolatedEnv('retention');
  const stack = new ProcessStack(iso);
  const saved = { first: process.env.RETENTION_FIRST_RUN_MS, interval: process.env.RETENTION_INTERVAL_MS };
  let client: Connection;
  let gateway: string;
  let issuer: TestIssuer;
  const db = (service: string) => client.useDb(iso.dbName(service), { useCache: true }).db!;
  const weeksAgo = new Date(Date.now() - 30 * DAY);

  beforeAll(async () => {
    client = await mongoose.createConnection(iso.env.MONGO_URL!, { retryWrites: false }).asPromise();
    // Left by an earlier life of the stack, a month ago: what the jobs must prune.
    for (const service of SERVICES) {
      await db(service).collection('inbox').insertMany(
        Array.from({ length: 20 }, (_, i) => ({ _id: `old-group:old-${i}`, group: 'old-group', eventId: `old-${i}`, type: 'complaint.submitted', processedAt: weeksAgo })) as never[],
      );
      await db(service).collection('dead_letter_marks').insertOne({ _id: 'old-topic:0:1', letterId: `${service}:old-topic:0:1`, group: 'old-group', markedAt: weeksAgo } as never);
    }
    await db('deadline').collection('deadline_timers').insertOne({ _id: 'old-timer', termId: 'old-term', complaintId: 'old-c', organizationId: 'org', kind: 'BREACH', fireAt: weeksAgo, doneAt: weeksAgo, outcome: 'FIRED' } as never);
    await db('deadline').collection('deadline_timer_leases').insertMany([0, 1].map((a) => ({ _id: `old-timer:${a}`, timerId: 'old-timer', attempt: a, owner: 'old', takenAt: weeksAgo })) as never[]);
    const longAgo = new Date(Date.now() - 120 * DAY);
    await db('notification').collection('deliveries').insertOne({ _id: 'old-delivery', messageId: 'old-m', recipientKey: 'iin:1', complaintId: 'old-c', channel: 'EMAIL', to: 'a@b.kz', language: 'ru', subject: 's', text: 't', createdAt: longAgo } as never);
    await db('notification').collection('delivery_results').insertOne({ _id: 'old-delivery', status: 'DELIVERED', at: longAgo } as never);

    // Every service's job runs soon after start and then every few seconds.
    process.env.RETENTION_FIRST_RUN_MS = '1000';
    process.env.RETENTION_INTERVAL_MS = '3000';
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile }));
  }, 240_000);

  afterAll(async () => {
    process.env.RETENTION_FIRST_RUN_MS = saved.first;
    process.env.RETENTION_INTERVAL_MS = saved.interval;
    if (saved.first === undefined) delete process.env.RETENTION_FIRST_RUN_MS;
    if (saved.interval === undefined) delete process.env.RETENTION_INTERVAL_MS;
    await stack.stopAll();
    await client?.close();
    await iso.cleanup();
  });

  /** Unix seconds of each service's last retention run, from its /metrics. */
  const lastRuns = async () => {
    const out: Record<string, number> = {};
    for (const service of SERVICES) {
      const text = await (await fetch(`http://127.0.0.1:${stack.procs.get(service)!.port}/metrics`)).text();
      out[service] = Number(/^shagym_retention_last_run_seconds\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    }
    return out;
  };
  /** Every collection of every service's database, with its size. */
  const sizes = async () => {
    const out: Record<string, number> = {};
    for (const service of SERVICES) {
      for (const { name } of await db(service).listCollections({}, { nameOnly: true }).toArray()) {
        out[`${service}.${name}`] = await db(service).collection(name).countDocuments({});
      }
    }
    return out;
  };

  it('prunes what is old, keeps what a complaint just wrote, and stops growing when idle', async () => {
    const input = portalSubmission({ addresseeOrganizationId: SEEDED.pscAktau });
    const citizen = await issuer.bearer({ sub: `citizen-${input.complainant.individual.iin}`, roles: ['CITIZEN'], iin: input.complainant.individual.iin });
    const res = await gql(gateway, SUBMIT, { input }, citizen);
    expect(res.errors).toBeUndefined();
    const id = res.data.submitComplaint.complaint.id as string;
    await waitFor('assigned, due and on the timeline', async () => {
      const c = (await gql(gateway, COMPLAINT, { id }, citizen)).data?.complaint;
      return c?.status === 'ASSIGNED' && c.deadline && c.timeline?.some((e: { type: string }) => e.type === 'deadline.set') ? c : undefined;
    }, { timeoutMs: 90_000 });

    // Each service's own job pruned what was old.
    await waitFor('the old documents pruned in every service', async () => {
      for (const service of SERVICES) {
        if (await db(service).collection('inbox').countDocuments({ group: 'old-group' })) return undefined;
        if (await db(service).collection('dead_letter_marks').countDocuments({ _id: 'old-topic:0:1' } as never)) return undefined;
      }
      if (await db('deadline').collection('deadline_timer_leases').countDocuments({ timerId: 'old-timer' })) return undefined;
      if (await db('notification').collection('deliveries').countDocuments({ _id: 'old-delivery' } as never)) return undefined;
      return (await db('notification').collection('delivery_results').countDocuments({ _id: 'old-delivery' } as never)) === 0 || undefined;
    }, { timeoutMs: 60_000 });
    // What the complaint just wrote is kept: its events' ids in the inboxes, the timer it set.
    const fresh = await Promise.all(SERVICES.map((s) => db(s).collection('inbox').countDocuments({})));
    expect(fresh.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await db('deadline').collection('deadline_timers').countDocuments({ complaintId: id })).toBeGreaterThan(0);

    // Idle: let the last consumers settle, then two more runs of every job change no size.
    await new Promise((r) => setTimeout(r, 5_000));
    const before = await sizes();
    const runs = await lastRuns();
    await waitFor('two more runs of every job', async () => {
      const now = await lastRuns();
      // A run ends ≥ 3 s after the previous one ended: 7 s later, at least one whole run began after the snapshot.
      return SERVICES.every((s) => now[s]! >= runs[s]! + 7) || undefined;
    }, { timeoutMs: 60_000 });
    expect(await sizes()).toEqual(before);
  }, 300_000);
});
