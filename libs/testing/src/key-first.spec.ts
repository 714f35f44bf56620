import type { CommandRecord } from '@shagym/service-kit';
import { formatViolations, parseCommandLog, shapeOf, violations, whyNotPoint, type AllowRule } from './key-first';

let seq = 0;
const rec = (command: string, collection: string | null, fields: Partial<CommandRecord> = {}): CommandRecord => ({
  t: '2026-12-02T10:00:00.000Z',
  pid: 1,
  seq: ++seq,
  service: 'registry',
  db: 't_x_registry',
  phase: 'running',
  command,
  collection,
  ...fields,
});
const find = (filter: unknown, fields: Partial<CommandRecord> = {}) => rec('find', 'journal', { filters: [filter], ...fields });
const oid = { $oid: '6751a1b2c3d4e5f601234567' };

describe('key-first classifier', () => {
  it('passes a find by exactly {_id: <string>} or {_id: <ObjectId>}, with or without a sort', () => {
    expect(violations([find({ _id: 'journal:org-1:2026:000001' }), find({ _id: oid }), find({ _id: 'x' }, { sort: { version: 1 } })], [])).toEqual([]);
  });

  it('flags a find by another field, naming the field', () => {
    const [v, ...rest] = violations([find({ organizationId: 'org-1', year: 2026 })], []);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ service: 'registry', collection: 'journal', command: 'find', shape: '{organizationId: ?, year: ?}' });
    expect(v!.why).toMatch(/organizationId, year/);
  });

  it('accepts {_id: {$in: [ids]}} and {_id: {$eq: id}}: FerretDB patch 0003 looks them up in the _id index', () => {
    expect(violations([find({ _id: { $in: ['a', 'b', { $oid: '65f000000000000000000001' }] } }), find({ _id: { $eq: 'a' } })], [])).toEqual([]);
  });

  it('flags $in with a value the index cannot look up, an oversized $in, other operators and _id with another field', () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    const found = violations(
      [find({ _id: { $in: ['a', 7] } }), find({ _id: { $in: tooMany } }), find({ _id: { $gt: 'a' } }), find({ _id: 'a', status: 'OPEN' })],
      [],
    );
    expect(found.map((v) => v.why)).toEqual([
      expect.stringMatching(/not a string or ObjectId/),
      expect.stringMatching(/1001 values/),
      expect.stringMatching(/\$gt/),
      expect.stringMatching(/together with status/),
    ]);
  });

  it('flags an _id that FerretDB does not push down (number, date, sub-document)', () => {
    const found = violations([find({ _id: 7 }), find({ _id: { $date: '2026-12-02T00:00:00Z' } }), find({ _id: { org: 'a', n: 1 } })], []);
    expect(found).toHaveLength(3);
  });

  it('flags an empty filter (count with query {} reads everything)', () => {
    const [v] = violations([rec('count', 'complaints', { filters: [{}] })], []);
    expect(v).toMatchObject({ command: 'count', shape: '{}' });
    expect(v!.why).toMatch(/whole collection/);
  });

  it('passes an update whose statements are each by _id (a bulk of updateOne by _id)', () => {
    const bulk = rec('update', 'event_log', { filters: [{ _id: 'c1:000001' }, { _id: 'c1:000002' }, { _id: oid }] });
    expect(violations([bulk], [])).toEqual([]);
  });

  it('flags an update with any statement not by _id, once per shape', () => {
    const bulk = rec('update', 'event_log', { filters: [{ _id: 'a' }, { publishedAt: null }, { publishedAt: null }] });
    const found = violations([bulk], []);
    expect(found.map((v) => v.shape)).toEqual(['{publishedAt: ?}']);
  });

  it('flags a delete by another filter, passes one by _id', () => {
    expect(violations([rec('delete', 'leases', { filters: [{ _id: 'lease:1' }] })], [])).toEqual([]);
    const [v] = violations([rec('delete', 'leases', { filters: [{ expiresAt: { $lt: { $date: '2026-12-02T00:00:00Z' } } }] })], []);
    expect(v).toMatchObject({ command: 'delete', shape: '{expiresAt: {$lt: ?}}' });
  });

  it('flags findAndModify and distinct not by _id', () => {
    const found = violations([rec('findAndModify', 'timers', { filters: [{ dueAt: { $lte: 1 } }] }), rec('distinct', 'timers', { filters: [{}] })], []);
    expect(found.map((v) => v.command)).toEqual(['findAndModify', 'distinct']);
  });

  it('flags an aggregate with a pipeline that does not start with a $match by _id', () => {
    const grouped = rec('aggregate', 'complaints', { pipeline: [{ $match: { status: 'OPEN' } }, { $group: { _id: '$organizationId', n: { $sum: 1 } } }] });
    const plain = rec('aggregate', 'complaints', { pipeline: [{ $group: { _id: null, n: { $sum: 1 } } }] });
    const found = violations([grouped, plain], []);
    expect(found.map((v) => v.shape)).toEqual(['[$match {status: ?}, $group]', '[$group]']);
    // countDocuments({_id}) is a point read: FerretDB pushes the first $match down.
    expect(violations([rec('aggregate', 'complaints', { pipeline: [{ $match: { _id: 'c1' } }, { $group: { _id: 1, n: { $sum: 1 } } }] })], [])).toEqual([]);
  });

  it('ignores commands that carry no filter and database-level commands', () => {
    expect(violations([rec('insert', 'journal'), rec('getMore', 'journal'), rec('aggregate', null, { pipeline: [{ $currentOp: {} }] })], [])).toEqual([]);
  });

  it('allows the start-up phase (loads before ready), unless told not to', () => {
    const startup = find({ status: 'PENDING' }, { phase: 'startup' });
    expect(violations([startup], [])).toEqual([]);
    expect(violations([startup], [], { allowStartup: false })).toHaveLength(1);
  });

  it('allows what the allowlist names: collection, and optionally service, command, shape and phase', () => {
    const allow: AllowRule[] = [{ reason: 'the directory of bodies is bounded and read by kind at escalation', collection: 'organizations', service: 'intake', command: 'find', shape: '{kind: ?, region: ?}' }];
    const ok = rec('find', 'organizations', { service: 'intake', filters: [{ kind: 'AUTHORIZED_BODY', region: 'MANGYSTAU' }] });
    const otherShape = rec('find', 'organizations', { service: 'intake', filters: [{ name: 'x' }] });
    const otherService = rec('find', 'organizations', { service: 'routing', filters: [{ kind: 'AUTHORIZED_BODY', region: 'MANGYSTAU' }] });
    const otherCollection = rec('find', 'journal', { service: 'intake', filters: [{ kind: 'AUTHORIZED_BODY', region: 'MANGYSTAU' }] });
    expect(violations([ok, otherShape, otherService, otherCollection], allow).map((v) => `${v.service}/${v.collection}/${v.shape}`)).toEqual([
      'intake/organizations/{name: ?}',
      'routing/organizations/{kind: ?, region: ?}',
      'intake/journal/{kind: ?, region: ?}',
    ]);
  });

  it('writes shapes with operators kept and values hidden', () => {
    expect(shapeOf({ $or: [{ a: 1 }, { b: { $exists: true } }], c: { $oid: 'x' } })).toBe('{$or: [{a: ?}, {b: {$exists: ?}}], c: ?}');
    expect(whyNotPoint({ _id: 'k' })).toBeNull();
  });

  it('groups violations for a readable report', () => {
    const found = violations([find({ organizationId: 'a' }), find({ organizationId: 'b' }), rec('count', 'inbox', { service: 'notification', filters: [{ recipient: 'r', read: false }] })], []);
    const report = formatViolations(found);
    expect(report).toMatch(/^3 command\(s\) .* in 2 shape\(s\)/);
    expect(report).toContain('notification / inbox / count {recipient: ?, read: ?} ×1');
    expect(report).toContain('registry / journal / find {organizationId: ?} ×2');
  });

  it('reads a command log, counting a line repeated by the exit flush once', () => {
    const a = JSON.stringify(find({ _id: 'a' }));
    const { records, malformed } = parseCommandLog(`${a}\n${a}\nnot json\n\n`);
    expect(records).toHaveLength(1);
    expect(malformed).toBe(1);
  });
});
