/**
 * When each complaint reached each stage of the pipeline, without reading the services' stores
 * (whose layout changes; and a bench that scans them loads the stack it measures):
 *   - submitted, registered, assigned, deadline set: the Kafka timestamp of the event on the
 *     complaints topic (the moment the fact became visible to the rest of the system). A
 *     consumer of the bench's own reads the topic from its beginning for the whole run;
 *   - timeline: the first time the notification subgraph answers the complaint's timeline with
 *     its first four entries (`_entities` batches, as a supervisor), polled every `pollMs`
 *     for complaints whose term is set — a resolution of `pollMs` plus one answer.
 * Registrations also keep their number, so numbering can be checked for gaps.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { as, IDENTITIES } from '@shagym/testing';
import { post } from '../faults/load';

export const STAGES = ['submitted', 'registered', 'assigned', 'deadline', 'timeline'] as const;
export type Stage = (typeof STAGES)[number];

export interface Progress {
  submitted?: number;
  registered?: number;
  assigned?: number;
  deadline?: number;
  timeline?: number;
  organizationId?: string;
  year?: number;
  sequence?: number;
  incomingNumber?: string;
}

const EVENT_STAGE: Record<string, Stage> = {
  'complaint.submitted': 'submitted',
  'complaint.registered': 'registered',
  'complaint.assigned': 'assigned',
  'deadline.set': 'deadline',
};
const TIMELINE_TYPES = ['complaint.submitted', 'complaint.registered', 'complaint.assigned', 'deadline.set'];
const TIMELINE_QUERY = `query BenchTimeline($r: [_Any!]!) { _entities(representations: $r) { ... on Complaint { id timeline { type } } } }`;

export class StageTracker {
  readonly seen = new Map<string, Progress>();
  /** Stage counts, kept as events arrive (for progress lines). */
  readonly counts: Record<Stage, number> = { submitted: 0, registered: 0, assigned: 0, deadline: 0, timeline: 0 };
  /** Messages that did not parse, and timeline polls that failed (last error kept). */
  unreadable = 0;
  pollErrors = 0;
  lastPollError = '';
  private consumer: Consumer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;
  private paused = false;

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
    private readonly notificationUrl: string,
    private readonly pollMs = 250,
  ) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'bench-tracker', brokers: [this.brokers], logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `bench-tracker-${randomUUID()}`, maxWaitTimeInMs: 250 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          try {
            const e = JSON.parse(m.value!.toString()) as { type: string; subject: string; data: Record<string, any> };
            const stage = EVENT_STAGE[e.type];
            if (!stage) continue;
            const p = this.progress(e.subject);
            if (p[stage] !== undefined) continue; // a redelivery or a second assignment: the first counts
            p[stage] = Number(m.timestamp);
            this.counts[stage]++;
            if (stage === 'registered') Object.assign(p, { organizationId: e.data.organizationId, year: e.data.year, sequence: e.data.sequence, incomingNumber: e.data.incomingNumber });
          } catch {
            this.unreadable++;
          }
        }
      },
    });
    const tick = async () => {
      if (this.stopped) return;
      if (!this.polling && !this.paused) {
        this.polling = true;
        await this.pollTimelines().finally(() => (this.polling = false));
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.pollMs);
    };
    this.timer = setTimeout(() => void tick(), this.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** Stops fetching (and polling timelines) while the stack's idle CPU is measured; resume() goes on. */
  pause(): void {
    this.consumer?.pause([{ topic: this.topic }]);
    this.paused = true;
  }

  resume(): void {
    this.consumer?.resume([{ topic: this.topic }]);
    this.paused = false;
  }

  progress(id: string): Progress {
    let p = this.seen.get(id);
    if (!p) this.seen.set(id, (p = {}));
    return p;
  }

  /** One round: every complaint whose term is set and whose timeline is not yet seen complete. */
  private async pollTimelines(): Promise<void> {
    const pending = [...this.seen].filter(([, p]) => p.deadline !== undefined && p.timeline === undefined).map(([id]) => id);
    const signed = as(IDENTITIES.supervisor('org-adgs-mangystau', 'off-adgs-supervisor'));
    for (let i = 0; i < pending.length && !this.stopped; i += 100) {
      const chunk = pending.slice(i, i + 100);
      const res = await post(this.notificationUrl, TIMELINE_QUERY, { r: chunk.map((id) => ({ __typename: 'Complaint', id })) }, signed, 30_000);
      const now = Date.now();
      const entities = res.body?.data?._entities as Array<{ id: string; timeline: Array<{ type: string }> } | null> | undefined;
      if (!entities) {
        this.pollErrors++;
        this.lastPollError = res.error ?? JSON.stringify(res.body?.errors ?? res.status).slice(0, 300);
        return;
      }
      for (const e of entities) {
        if (!e) continue;
        const types = new Set(e.timeline.map((t) => t.type));
        const p = this.progress(e.id);
        if (p.timeline === undefined && TIMELINE_TYPES.every((t) => types.has(t))) {
          p.timeline = now;
          this.counts.timeline++;
        }
      }
    }
  }

  /** How many of `ids` reached `stage`. */
  reached(ids: readonly string[], stage: Stage): number {
    let n = 0;
    for (const id of ids) if (this.seen.get(id)?.[stage] !== undefined) n++;
    return n;
  }

  /**
   * Waits until every one of `ids` reached `stage`, or `timeoutMs` passed, or nothing moved for
   * `stallMs`; reports progress on stderr every `everyMs`. Never throws: returns whether all got
   * there and, when not, a message saying where the complaints stand.
   */
  async waitFor(ids: readonly string[], stage: Stage, opts: { timeoutMs: number; stallMs: number; label: string; everyMs?: number; say: (m: string) => void }): Promise<{ ok: boolean; waitedS: number; message?: string }> {
    const t0 = Date.now();
    let lastMoved = t0;
    let lastSum = -1;
    let lastSay = t0;
    for (;;) {
      const counts = STAGES.map((s) => this.reached(ids, s));
      const sum = counts.reduce((a, b) => a + b, 0);
      if (sum !== lastSum) {
        lastSum = sum;
        lastMoved = Date.now();
      }
      const where = STAGES.map((s, i) => `${s} ${counts[i]}`).join(', ');
      if (this.reached(ids, stage) >= ids.length) return { ok: true, waitedS: (Date.now() - t0) / 1000 };
      const now = Date.now();
      if (now - t0 > opts.timeoutMs || now - lastMoved > opts.stallMs) {
        const why = now - t0 > opts.timeoutMs ? `not done within ${Math.round(opts.timeoutMs / 1000)} s` : `no progress for ${Math.round(opts.stallMs / 1000)} s`;
        const message = `${opts.label}: ${why} — of ${ids.length}: ${where}${this.pollErrors ? `; timeline poll errors ${this.pollErrors} (last: ${this.lastPollError})` : ''}`;
        opts.say(message);
        return { ok: false, waitedS: (now - t0) / 1000, message };
      }
      if (now - lastSay >= (opts.everyMs ?? 5_000)) {
        lastSay = now;
        opts.say(`${opts.label}: ${where} of ${ids.length} (${Math.round((now - t0) / 1000)} s)`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * R7 numbering of one organization and year as seen on the topic: every sequence from 1 to
   * the highest, once each. `ids` (e.g. one burst) must also hold consecutive numbers.
   */
  numbering(organizationId: string, ids?: readonly string[]): { registered: number; highest: number; gaps: number[]; duplicates: number[]; idsConsecutive?: boolean; idsRange?: [number, number] } {
    const seqs = [...this.seen.values()].filter((p) => p.organizationId === organizationId && p.sequence !== undefined).map((p) => p.sequence!);
    const highest = Math.max(0, ...seqs);
    const count = new Map<number, number>();
    for (const s of seqs) count.set(s, (count.get(s) ?? 0) + 1);
    const gaps: number[] = [];
    for (let s = 1; s <= highest && gaps.length < 20; s++) if (!count.has(s)) gaps.push(s);
    const duplicates = [...count].filter(([, n]) => n > 1).map(([s]) => s).slice(0, 20);
    const out: ReturnType<StageTracker['numbering']> = { registered: seqs.length, highest, gaps, duplicates };
    if (ids) {
      const mine = ids.map((id) => this.seen.get(id)?.sequence).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
      out.idsRange = [mine[0] ?? NaN, mine.at(-1) ?? NaN];
      out.idsConsecutive = mine.length === ids.length && mine.every((s, i) => i === 0 || s === mine[i - 1]! + 1);
    }
    return out;
  }
}
