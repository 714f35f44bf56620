import { REDRIVE_OF_HEADER, type DeadLetter } from '@shagym/service-kit';

/** Pure parts of `npm run dlq`: arguments, identities, what a redrive sends, the text shown. */

/** A letter as read from the dead-letter topic, with its own place there. */
export interface StoredLetter {
  id: string;
  letter: DeadLetter;
  at: { partition: number; offset: string };
}

/** What is known of a letter's redrive (tools/dlq/redrives.ts). */
export interface RedriveRecord {
  _id: string;
  startedAt: Date;
  by: string;
  publishedAt?: Date;
  to?: { topic: string; partition: number; offset: string };
}

export type Command =
  | { kind: 'list'; service?: string; json: boolean }
  | { kind: 'show'; id: string; json: boolean }
  | { kind: 'redrive'; ids: string[]; all: boolean; service?: string; json: boolean }
  | { kind: 'help' };

export const USAGE = `Usage: npm run dlq -- <command> [options]
  list [--service X] [--json]            every dead letter (one per service and original message)
  show <id> [--json]                     one letter: reason, original message, redrive
  redrive <id>... | --all [--service X] [--json]
                                         re-publish the original message to its original topic,
                                         once per letter (a second redrive is refused)
Reads KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, MONGO_URL and DLQ_MONGO_DB (default shagym_dlq).`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): Command {
  const json = argv.includes('--json');
  const rest: string[] = [];
  let service: string | undefined;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') continue;
    else if (a === '--all') all = true;
    else if (a === '--service') {
      service = argv[++i];
      if (!service) throw new UsageError('--service needs a service name');
    } else if (a.startsWith('--service=')) service = a.slice('--service='.length);
    else if (a === '--help' || a === '-h') return { kind: 'help' };
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  const [verb, ...args] = rest;
  switch (verb) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'list':
      if (args.length) throw new UsageError('list takes no ids');
      return { kind: 'list', json, ...(service ? { service } : {}) };
    case 'show':
      if (args.length !== 1) throw new UsageError('show takes exactly one id');
      return { kind: 'show', id: args[0]!, json };
    case 'redrive':
      if (all === args.length > 0) throw new UsageError('redrive takes either ids or --all');
      if (service && !all) throw new UsageError('--service goes with --all');
      return { kind: 'redrive', ids: args, all, json, ...(service ? { service } : {}) };
    default:
      throw new UsageError(`unknown command ${verb}`);
  }
}

/**
 * The letter's id: the one it carries, or (letters written before ids existed) its place on
 * the dead-letter topic, which is as stable.
 */
export function letterIdOf(letter: DeadLetter, partition: number, offset: string): string {
  return letter.id ?? `dlt:${partition}:${offset}`;
}

/** The service of a letter: its own field, or (old letters) the group without its prefix. */
export function serviceOf(letter: DeadLetter): string {
  if (letter.service) return letter.service;
  const group = letter.group.split('.').slice(-2, -1)[0];
  return group ?? letter.group;
}

/**
 * One entry per id, the first kept: a crash between a letter's send and its offset commit
 * sends it again (at least once), and the copy must not be redriven twice.
 */
export function uniqueLetters(letters: readonly StoredLetter[], service?: string): StoredLetter[] {
  const seen = new Set<string>();
  return letters.filter((l) => {
    if (seen.has(l.id) || (service && serviceOf(l.letter) !== service)) return false;
    seen.add(l.id);
    return true;
  });
}

/** The message a redrive publishes: the original as it was, plus where it comes from. */
export function redriveMessage(stored: StoredLetter): {
  topic: string;
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
} {
  const { original } = stored.letter;
  const value = original.valueBase64 !== undefined ? Buffer.from(original.valueBase64, 'base64') : original.value === null ? null : Buffer.from(original.value, 'utf8');
  // The original partition, not the partitioner's choice: the redrive lands among the same
  // aggregate's events, after them, whatever partitioner the first producer used.
  return { topic: original.topic, partition: original.partition, key: original.key, value, headers: { ...(original.headers ?? {}), [REDRIVE_OF_HEADER]: stored.id } };
}

export function redriveState(record: RedriveRecord | undefined): string {
  if (!record) return 'not redriven';
  if (!record.publishedAt) return `redrive started ${record.startedAt.toISOString()} by ${record.by}, not confirmed`;
  return `redriven ${record.publishedAt.toISOString()} by ${record.by}${record.to ? ` → ${record.to.topic}[${record.to.partition}]@${record.to.offset}` : ''}`;
}

/** Why a second redrive is refused, in words an operator can act on. */
export function refusal(id: string, record: RedriveRecord): string {
  if (!record.publishedAt)
    return `dead letter ${id}: a redrive was started ${record.startedAt.toISOString()} by ${record.by} and not confirmed (the tool stopped before or during the send); check the original topic for a message with header ${REDRIVE_OF_HEADER}=${id} before acting`;
  return `dead letter ${id} was already redriven ${record.publishedAt.toISOString()} by ${record.by}${record.to ? ` (${record.to.topic}[${record.to.partition}]@${record.to.offset})` : ''}; refusing to publish it twice`;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function formatList(letters: readonly StoredLetter[], records: ReadonlyMap<string, RedriveRecord>): string {
  if (!letters.length) return 'no dead letters';
  const lines = letters.map((l) => {
    const r = records.get(l.id);
    const mark = !r ? ' ' : r.publishedAt ? 'R' : '?';
    return `${mark} ${l.id}\n    ${l.letter.failedAt}  ${serviceOf(l.letter)}  ${l.letter.eventType ?? 'undecodable'}  ${clip(l.letter.reason, 100)}`;
  });
  const redriven = letters.filter((l) => records.get(l.id)?.publishedAt).length;
  return `${lines.join('\n')}\n${letters.length} dead letter(s), ${redriven} redriven (R = redriven, ? = redrive not confirmed)`;
}

export function formatShow(l: StoredLetter, record: RedriveRecord | undefined): string {
  const { letter } = l;
  const o = letter.original;
  return [
    `id:        ${l.id}`,
    `service:   ${serviceOf(letter)} (group ${letter.group})`,
    `failed at: ${letter.failedAt}`,
    `reason:    ${letter.reason}`,
    `event:     ${letter.eventType ?? 'undecodable'}${letter.eventId ? ` ${letter.eventId}` : ''}`,
    ...(letter.redriveOf ? [`redrive of: ${letter.redriveOf}`] : []),
    `original:  ${o.topic}[${o.partition}]@${o.offset} key=${o.key ?? '(none)'}`,
    `headers:   ${JSON.stringify(o.headers ?? {})}`,
    `value:     ${o.valueBase64 !== undefined ? `(not UTF-8, base64) ${o.valueBase64}` : o.value ?? '(null)'}`,
    `redrive:   ${redriveState(record)}`,
    `letter at: dead-letter topic [${l.at.partition}]@${l.at.offset}`,
  ].join('\n');
}
