import type { Connection } from 'mongoose';
import { firstOfEach, SlotList, type SlotEntry } from '@shagym/service-kit';
import type { InboxMessage } from '../domain/messages';
import { slotOf } from './slot-marks';

type MessageData = Omit<InboxMessage, 'id' | 'recipientKey'>;
/** A read mark: the slot's `at` is when it was read. */
type ReadData = Record<string, never>;

/** A recipient's messages, in the order they arrived: `inbox:<recipientKey>:<n>`. */
export const inboxList = (recipientKey: string) => `inbox:${recipientKey}`;
/** The messages a recipient has read, one slot per message id: `reads:<recipientKey>:<n>`. */
export const readsList = (recipientKey: string) => `reads:${recipientKey}`;

/** How many inbox slots an unread scan reads at a time. */
const SCAN_PAGE = 50;

export interface InboxItem extends InboxMessage {
  readAt: string | null;
}

/**
 * The in-app inbox, key-first (architecture.md): a recipient's messages are a slot list
 * `inbox:<recipientKey>` (one per message id: a redelivered event adds nothing) and what they
 * read is another, `reads:<recipientKey>` (one per message id: marking twice counts once) —
 * "read" is an insert, never an update (FerretDB loses concurrent updates). So the unread count
 * is exact from the two lengths, and "is it mine / is it read" is one point read of a mark.
 */
export class InboxRepository {
  private readonly messages: SlotList<MessageData>;
  private readonly reads: SlotList<ReadData>;
  /** markRead per recipient, one at a time in this process: two concurrent marks of one message must not both append. */
  private readonly marking = new Map<string, Promise<unknown>>();

  constructor(conn: Connection) {
    this.messages = new SlotList<MessageData>(conn, 'inbox_slots');
    this.reads = new SlotList<ReadData>(conn, 'inbox_read_slots');
  }

  get models() {
    return [this.messages.model, this.reads.model];
  }

  /** True when the message is new (not a redelivery). */
  async add(message: InboxMessage): Promise<boolean> {
    const { id, recipientKey, ...data } = message;
    return (await this.messages.add(inboxList(recipientKey), id, data, new Date(message.entry.occurredAt))).added;
  }

  /**
   * Newest first: the last `first` messages to arrive (all, or the unread among them), ordered
   * by when their step happened. Unread ones are found by walking back from the newest until
   * as many as are unread were found, so a fully read inbox costs two counts.
   */
  async list(recipientKey: string, opts: { unreadOnly: boolean; first: number }): Promise<InboxItem[]> {
    if (!opts.unreadOnly) {
      const entries = firstOfEach((await this.messages.page(inboxList(recipientKey), { limit: opts.first, newestFirst: true })).entries, (e) => e.itemId);
      const readAt = await Promise.all(entries.map((e) => this.readAt(recipientKey, e.itemId)));
      return newestFirst(entries.map((e, i) => toItem(recipientKey, e, readAt[i] ?? null)));
    }
    const unread = await this.unreadEntries(recipientKey, opts.first);
    return newestFirst(unread.map((e) => toItem(recipientKey, e, null)));
  }

  async unreadCount(recipientKey: string): Promise<number> {
    const [total, read] = await Promise.all([this.messages.count(inboxList(recipientKey)), this.reads.count(readsList(recipientKey))]);
    return Math.max(0, total - read);
  }

  /** Marks the recipient's own messages read (others' ids are ignored); returns how many were newly marked. */
  async markRead(recipientKey: string, ids: string[] | null, now: Date): Promise<number> {
    const previous = this.marking.get(recipientKey) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.markReadNow(recipientKey, ids, now));
    this.marking.set(recipientKey, run);
    try {
      return await run;
    } finally {
      if (this.marking.get(recipientKey) === run) this.marking.delete(recipientKey);
    }
  }

  private async markReadNow(recipientKey: string, ids: string[] | null, now: Date): Promise<number> {
    let toMark: string[];
    if (ids) {
      const unique = [...new Set(ids)];
      // Mine (a mark in my inbox) and not read yet (no mark in my reads): two point reads per id.
      const checks = await Promise.all(
        unique.map(async (id) => (await slotOf(this.messages, inboxList(recipientKey), id)) !== null && (await slotOf(this.reads, readsList(recipientKey), id)) === null),
      );
      toMark = unique.filter((_, i) => checks[i]);
    } else {
      toMark = (await this.unreadEntries(recipientKey, Number.POSITIVE_INFINITY)).map((e) => e.itemId);
    }
    for (const id of toMark) await this.reads.append(readsList(recipientKey), id, {}, now);
    return toMark.length;
  }

  /** When the recipient read the message: the mark, then its slot (two point reads), or null. */
  private async readAt(recipientKey: string, messageId: string): Promise<string | null> {
    const n = await slotOf(this.reads, readsList(recipientKey), messageId);
    if (n === null) return null;
    const [slot] = await this.reads.read(readsList(recipientKey), [n]);
    return (slot?.at ?? new Date(0)).toISOString();
  }

  /** Up to `first` unread messages, newest to arrive first; stops once all the unread (count − reads) are found. */
  private async unreadEntries(recipientKey: string, first: number): Promise<SlotEntry<MessageData>[]> {
    const list = inboxList(recipientKey);
    const [total, read] = await Promise.all([this.messages.count(list), this.reads.count(readsList(recipientKey))]);
    const wanted = Math.min(first, Math.max(0, total - read));
    const found: SlotEntry<MessageData>[] = [];
    for (let after = 0; found.length < wanted && after < total; after += SCAN_PAGE) {
      const { entries } = await this.messages.page(list, { after, limit: SCAN_PAGE, newestFirst: true });
      const read = await Promise.all(entries.map((e) => slotOf(this.reads, readsList(recipientKey), e.itemId)));
      found.push(...entries.filter((_, i) => read[i] === null));
    }
    return firstOfEach(found, (e) => e.itemId).slice(0, wanted);
  }
}

function toItem(recipientKey: string, e: SlotEntry<MessageData>, readAt: string | null): InboxItem {
  const d = e.data;
  return { id: e.itemId, recipientKey, complaintId: d.complaintId, entry: d.entry, external: d.external, createdAt: d.createdAt, readAt };
}

/** By when the step happened, newest first; ties by id (as before the key-first store). */
function newestFirst(items: InboxItem[]): InboxItem[] {
  return items.sort((a, b) => b.entry.occurredAt.localeCompare(a.entry.occurredAt) || a.id.localeCompare(b.id));
}
