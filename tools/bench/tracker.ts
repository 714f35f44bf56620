/**
 * When each complaint reached each stage of the pipeline, without reading the services' stores
 * (whose layout changes; and a bench that scans them loads the stack it measures):
 *   - submitted, registered, assigned, deadline set: the Kafka timestamp of the event on the
 *     complaints topic (the moment the fact became visible to the rest of the system). A
 *     consumer of the bench's own reads the topic from its beginning for the whole run;
 *   - timeline: when notification stored the fourth entry of the complaint's timeline
 *     (submitted, registered, assigned, term set): the slot `timeline:<id>:00000004` of its
 *     `timeline_slots`, read by `_id` (one point read per pending complaint, every `pollMs`,
 *     for complaints whose term is set; its `at` is the store's own time). Polling the
 *     subgraph instead made the bench itself the heaviest load on notification.
 * Registrations also keep their number, so numbering can be checked for gaps.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { mongo } from 'mongoose';
import { SlotList } from '@shagym/service-kit';

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
/** The timeline is complete for the bench with its first four entries (one per stage event). */
const TIMELINE_COMPLETE_AT = 4;

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
    /** Notification's own database (its `timeline_slots`). */
    private readonly notificationDb: mongo.Db,
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
    const slots = this.notificationDb.collection<{ _id: string; at: Date }>('timeline_slots');
    for (let i = 0; i < pending.length && !this.stopped; i += 50) {
      const chunk = pending.slice(i, i + 50);
      try {
        const found = await Promise.all(chunk.map((id) => slots.findOne({ _id: SlotList.slotId(`timeline:${id}`, TIMELINE_COMPLETE_AT) }, { projection: { at: 1 } })));
        found.forEach((doc, k) => {
          if (!doc) return;
          const p = this.progress(chunk[k]!);
          if (p.timeline !== undefined) return;
          p.timeline = new Date(doc.at).getTime();
          this.counts.timeline++;
        });
      } catch (err) {
        this.pollErrors++;
        this.lastPollError = (err as Error).message.slice(0, 300);
        return;
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
