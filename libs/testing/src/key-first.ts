import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushCommandLogs, type CommandPhase, type CommandRecord } from '@shagym/service-kit';

/**
 * The key-first rule (../shared/architecture.md, "Reads that do not grow with the data"),
 * applied to the commands a service sent (libs/service-kit/src/command-recorder.ts):
 * a find/count/aggregate/update/delete/findAndModify/distinct on a collection that grows with
 * the data must filter on exactly `{_id: <string or ObjectId>}`. That is the one filter
 * FerretDB 1.24 pushes down to SQLite (`internal/backends/sqlite/collection.go`: a filter of
 * one key `_id` whose value is a string or an ObjectId); anything else — `{_id: {$in: …}}`,
 * `{_id: {$eq: …}}`, `{_id: …, other: …}`, another field, `{}` — reads the whole collection.
 * An update/delete command carries one filter per statement (`updates[].q`, `deletes[].q`):
 * a bulk of per-`_id` statements is a batch of point writes and passes. An aggregate passes
 * only when its first stage is `{$match: {_id: <value>}}` (FerretDB pushes the first $match
 * down the same way); any other pipeline reads the collection.
 */

/** The commands that read or write by a filter. Others (insert, DDL, cursors) are not checked. */
export const CHECKED_COMMANDS: ReadonlySet<string> = new Set(['find', 'count', 'aggregate', 'update', 'delete', 'findAndModify', 'distinct']);

/** A read or write allowed to filter by something else, with the reason (start-up, admin job, bounded collection). */
export interface AllowRule {
  reason: string;
  collection: string;
  /** Any service when omitted. */
  service?: string;
  /** Any checked command when omitted. */
  command?: string | readonly string[];
  /** The filter's shape as `shapeOf` writes it (e.g. `{kind: ?, region: ?}`); any when omitted. */
  shape?: string;
  /** Any phase when omitted. */
  phase?: CommandPhase;
}

export interface ClassifyOptions {
  /** Commands sent before the service reported ready (start-up loads) pass. Default true. */
  allowStartup?: boolean;
}

export interface Violation {
  service: string;
  db: string;
  collection: string;
  command: string;
  phase: CommandPhase;
  /** The offending filter's shape, values replaced by `?`. */
  shape: string;
  /** Why it is not a point read. */
  why: string;
  /** The offending filter (or pipeline) as recorded. */
  filter: unknown;
  t: string;
}

const EJSON_VALUE_KEYS = new Set([
  '$oid', '$date', '$numberInt', '$numberLong', '$numberDouble', '$numberDecimal', '$binary', '$uuid',
  '$regularExpression', '$timestamp', '$symbol', '$code', '$minKey', '$maxKey', '$undefined', '$dbPointer',
]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A BSON value written as relaxed Extended JSON (`{$oid: …}`, `{$date: …}`), not a sub-document or an operator. */
function isEjsonValue(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length >= 1 && keys.every((k) => EJSON_VALUE_KEYS.has(k) || k === '$scope' || k === '$options');
}

/** A value FerretDB's SQLite backend looks `_id` up by: a string or an ObjectId. */
function isPointValue(v: unknown): boolean {
  if (typeof v === 'string') return true;
  return isPlainObject(v) && Object.keys(v).length === 1 && typeof v.$oid === 'string';
}

/** At most this many ids in one `$in` are pushed down (FerretDB patch 0003). */
export const MAX_IDS_PUSHED_DOWN = 1000;

/**
 * Why a filter is not a point read by `_id`; null when it is. Point reads are `{_id: v}`,
 * `{_id: {$eq: v}}` and `{_id: {$in: [v, …]}}` (at most MAX_IDS_PUSHED_DOWN) with string or
 * ObjectId values: FerretDB looks these up in the `_id` index (patches 0001 and 0003), and so
 * does MongoDB.
 */
export function whyNotPoint(filter: unknown): string | null {
  if (!isPlainObject(filter)) return 'the filter is not a document';
  const keys = Object.keys(filter);
  if (!keys.length) return 'empty filter: reads the whole collection';
  if (!keys.includes('_id')) return `filters on ${keys.join(', ')}, not _id`;
  if (keys.length > 1) return `_id together with ${keys.filter((k) => k !== '_id').join(', ')}: only {_id} alone is pushed down`;
  const id = filter._id;
  if (isPointValue(id)) return null;
  if (isPlainObject(id) && !isEjsonValue(id)) {
    const ops = Object.keys(id);
    if (ops.length === 1 && ops[0] === '$eq') return isPointValue(id.$eq) ? null : '_id $eq a value that is not a string or ObjectId';
    if (ops.length === 1 && ops[0] === '$in') {
      const values = id.$in;
      if (!Array.isArray(values) || !values.length) return '_id $in without values';
      if (values.length > MAX_IDS_PUSHED_DOWN) return `_id $in of ${values.length} values: at most ${MAX_IDS_PUSHED_DOWN} are pushed down`;
      return values.every(isPointValue) ? null : '_id $in with a value that is not a string or ObjectId';
    }
    if (ops.some((k) => k.startsWith('$'))) return `_id with ${ops.join(', ')}: only {_id: v}, {_id: {$eq: v}} and {_id: {$in: [...]}} are pushed down`;
    return '_id is a sub-document: only a string or ObjectId _id is pushed down';
  }
  return `_id is ${Array.isArray(id) ? 'an array' : isEjsonValue(id) ? Object.keys(id as object)[0] : typeof id}: only a string or ObjectId _id is pushed down`;
}

/** A filter with its values replaced by `?`: `{_id: {$in: ?}}`, `{status: ?, organizationId: ?}`. */
export function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shapeOf).join(', ')}]`;
  if (!isPlainObject(value) || isEjsonValue(value)) return '?';
  const parts = Object.entries(value).map(([k, v]) => {
    // Logical operators hold filters; other operators hold values.
    if (k === '$or' || k === '$and' || k === '$nor') return `${k}: ${shapeOf(v)}`;
    if (k.startsWith('$')) return `${k}: ${isPlainObject(v) && !isEjsonValue(v) ? shapeOf(v) : '?'}`;
    return `${k}: ${shapeOf(v)}`;
  });
  return `{${parts.join(', ')}}`;
}

/** An aggregation pipeline's shape: its stages, with the shape of a $match. */
export function pipelineShape(pipeline: unknown[]): string {
  return `[${pipeline
    .map((stage) => {
      if (!isPlainObject(stage)) return '?';
      const [name] = Object.keys(stage);
      if (!name) return '{}';
      return name === '$match' ? `$match ${shapeOf(stage.$match)}` : name;
    })
    .join(', ')}]`;
}

interface Offence {
  shape: string;
  why: string;
  filter: unknown;
}

function offences(rec: CommandRecord): Offence[] {
  if (rec.command === 'aggregate') {
    const pipeline = rec.pipeline ?? [];
    const first = pipeline[0];
    const match = isPlainObject(first) && Object.keys(first).length === 1 && '$match' in first ? first.$match : undefined;
    if (match !== undefined && whyNotPoint(match) === null) return [];
    const why = match === undefined ? 'an aggregate that does not start with {$match: {_id}}: reads the whole collection' : `$match ${whyNotPoint(match)}`;
    return [{ shape: pipelineShape(pipeline), why, filter: pipeline }];
  }
  const out: Offence[] = [];
  const seen = new Set<string>();
  for (const filter of rec.filters ?? []) {
    const why = whyNotPoint(filter);
    if (why === null) continue;
    const shape = shapeOf(filter);
    // One offence per shape in a bulk (a bulk of 50 deletes by status is one finding).
    if (seen.has(shape)) continue;
    seen.add(shape);
    out.push({ shape, why, filter });
  }
  return out;
}

function allows(rule: AllowRule, rec: CommandRecord, shape: string): boolean {
  if (rule.collection !== rec.collection) return false;
  if (rule.service !== undefined && rule.service !== rec.service) return false;
  if (rule.phase !== undefined && rule.phase !== rec.phase) return false;
  if (rule.shape !== undefined && rule.shape !== shape) return false;
  if (rule.command !== undefined) {
    const commands = typeof rule.command === 'string' ? [rule.command] : rule.command;
    if (!commands.includes(rec.command)) return false;
  }
  return true;
}

/** Every checked command that filters by anything but exactly `{_id: <value>}`, less what the allowlist allows. */
export function violations(records: readonly CommandRecord[], allowlist: readonly AllowRule[], options: ClassifyOptions = {}): Violation[] {
  const allowStartup = options.allowStartup ?? true;
  const out: Violation[] = [];
  for (const rec of records) {
    if (!CHECKED_COMMANDS.has(rec.command)) continue;
    // A database-level command (`aggregate: 1`) reads no collection of the service's data.
    if (rec.collection === null) continue;
    if (allowStartup && rec.phase === 'startup') continue;
    for (const o of offences(rec)) {
      if (allowlist.some((rule) => allows(rule, rec, o.shape))) continue;
      out.push({ service: rec.service, db: rec.db, collection: rec.collection, command: rec.command, phase: rec.phase, shape: o.shape, why: o.why, filter: o.filter, t: rec.t });
    }
  }
  return out;
}

/** Violations grouped by service / collection / command / shape, most frequent first, with one example each. */
export function formatViolations(found: readonly Violation[]): string {
  const groups = new Map<string, { v: Violation; n: number }>();
  for (const v of found) {
    const key = `${v.service} ${v.collection} ${v.command} ${v.shape}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { v, n: 1 });
  }
  const sorted = [...groups.values()].sort((a, b) => a.v.service.localeCompare(b.v.service) || a.v.collection.localeCompare(b.v.collection) || b.n - a.n);
  const lines = sorted.map(({ v, n }) => {
    const example = JSON.stringify(v.filter);
    return `${v.service} / ${v.collection} / ${v.command} ${v.shape} ×${n}\n    ${v.why}\n    e.g. ${example.length > 300 ? `${example.slice(0, 300)}…` : example}`;
  });
  return `${found.length} command(s) that are not point reads by _id, in ${groups.size} shape(s):\n${lines.join('\n')}`;
}

/** The records of a command log (JSON lines); a line repeated by the exit flush counts once. */
export function parseCommandLog(text: string): { records: CommandRecord[]; malformed: number } {
  const records: CommandRecord[] = [];
  const seen = new Set<string>();
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let rec: CommandRecord;
    try {
      rec = JSON.parse(line) as CommandRecord;
    } catch {
      malformed++;
      continue;
    }
    const id = `${rec.pid}:${rec.seq}`;
    if (seen.has(id)) continue;
    seen.add(id);
    records.push(rec);
  }
  return { records, malformed };
}

/**
 * A command log for a service under test (pass `file` as its `MONGO_COMMAND_LOG`): what it
 * sent once ready, and which of those were not point reads by `_id` (architecture.md, "Reads
 * that do not grow with the data"). Start-up reads (migrations, loads of open work) are allowed.
 */
export function recordCommands(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `commands-${label.replace(/[^a-z0-9]/gi, '')}-`));
  const file = join(dir, 'commands.jsonl');
  const running = async (service: string, db: string): Promise<CommandRecord[]> => {
    await flushCommandLogs();
    if (!existsSync(file)) return [];
    return parseCommandLog(readFileSync(file, 'utf8')).records.filter((r) => r.phase === 'running' && r.service === service && r.db === db);
  };
  return {
    file,
    running,
    /** Collections the service read with `find` once ready (to show the scenario reached them). */
    async readCollections(service: string, db: string): Promise<string[]> {
      return [...new Set((await running(service, db)).filter((r) => r.command === 'find').map((r) => r.collection ?? ''))];
    },
    /** The service's violations once ready, formatted; 'none' when there are none. */
    async violations(service: string, db: string, allowlist: readonly AllowRule[] = []): Promise<string> {
      const found = violations(await running(service, db), allowlist);
      return found.length ? formatViolations(found) : 'none';
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
