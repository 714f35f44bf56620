import { REDRIVE_OF_HEADER, type DeadLetter } from '@shagym/service-kit';
import { formatList, formatShow, letterIdOf, parseArgs, redriveMessage, refusal, serviceOf, uniqueLetters, UsageError, type StoredLetter } from './letters';

const letter = (over: Partial<DeadLetter> = {}): DeadLetter => ({
  id: 'registry:T:2:10',
  service: 'registry',
  reason: 'handler failed: boom',
  group: 'p.registry.complaints',
  failedAt: '2026-12-02T09:00:00.000Z',
  eventType: 'complaint.submitted',
  original: { topic: 'T', partition: 2, offset: '10', key: 'c-1', value: '{"a":1}', headers: { trace: 't-1' } },
  ...over,
});
const stored = (l: DeadLetter, offset = '0'): StoredLetter => ({ id: letterIdOf(l, 0, offset), letter: l, at: { partition: 0, offset } });

describe('dlq command (pure parts)', () => {
  it('parses the commands and refuses what is ambiguous', () => {
    expect(parseArgs(['list'])).toEqual({ kind: 'list', json: false });
    expect(parseArgs(['list', '--service', 'registry', '--json'])).toEqual({ kind: 'list', service: 'registry', json: true });
    expect(parseArgs(['show', 'a:b:1:2'])).toEqual({ kind: 'show', id: 'a:b:1:2', json: false });
    expect(parseArgs(['redrive', 'x', 'y'])).toEqual({ kind: 'redrive', ids: ['x', 'y'], all: false, json: false });
    expect(parseArgs(['redrive', '--all', '--service=deadline'])).toEqual({ kind: 'redrive', ids: [], all: true, service: 'deadline', json: false });
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(() => parseArgs(['redrive'])).toThrow(UsageError);
    expect(() => parseArgs(['redrive', 'x', '--all'])).toThrow(UsageError);
    expect(() => parseArgs(['redrive', 'x', '--service', 'registry'])).toThrow(/--service goes with --all/);
    expect(() => parseArgs(['show'])).toThrow(UsageError);
    expect(() => parseArgs(['purge'])).toThrow(/unknown command purge/);
    expect(() => parseArgs(['list', '--force'])).toThrow(/unknown option --force/);
  });

  it('names old letters (no id, no service) by their place and their group', () => {
    const old = letter({ id: undefined, service: undefined, group: 't.abc.deadline.terms' });
    expect(letterIdOf(old, 0, '7')).toBe('dlt:0:7');
    expect(serviceOf(old)).toBe('deadline');
    expect(serviceOf(letter())).toBe('registry');
  });

  it('keeps one entry per letter id (a re-sent copy is not redriven twice) and filters by service', () => {
    const a = stored(letter(), '0');
    const copy = stored(letter(), '1');
    const other = stored(letter({ id: 'deadline:T:2:10', service: 'deadline' }), '2');
    expect(uniqueLetters([a, copy, other]).map((l) => l.at.offset)).toEqual(['0', '2']);
    expect(uniqueLetters([a, copy, other], 'deadline').map((l) => l.id)).toEqual(['deadline:T:2:10']);
  });

  it('re-publishes the original to its topic and partition with its key, value and headers, saying which letter', () => {
    expect(redriveMessage(stored(letter()))).toEqual({
      topic: 'T',
      partition: 2,
      key: 'c-1',
      value: Buffer.from('{"a":1}'),
      headers: { trace: 't-1', [REDRIVE_OF_HEADER]: 'registry:T:2:10' },
    });
    const bytes = Buffer.from([0xff, 0x00]);
    const raw = letter({ original: { topic: 'T', partition: 0, offset: '1', key: null, value: '\ufffd\u0000', valueBase64: bytes.toString('base64') } });
    expect(redriveMessage(stored(raw)).value!.equals(bytes)).toBe(true);
  });

  it('says why a second redrive is refused and shows the state in list and show', () => {
    const done = { _id: 'registry:T:2:10', startedAt: new Date('2026-12-02T09:01:00Z'), by: 'ops', publishedAt: new Date('2026-12-02T09:01:01Z'), to: { topic: 'T', partition: 2, offset: '99' } };
    expect(refusal('registry:T:2:10', done)).toMatch(/already redriven 2026-12-02T09:01:01.000Z by ops \(T\[2\]@99\); refusing/);
    expect(refusal('registry:T:2:10', { ...done, publishedAt: undefined })).toMatch(/not confirmed/);
    const l = stored(letter());
    expect(formatList([l], new Map([[l.id, done]]))).toMatch(/^R registry:T:2:10\n.*registry {2}complaint\.submitted {2}handler failed: boom\n1 dead letter\(s\), 1 redriven/);
    expect(formatList([], new Map())).toBe('no dead letters');
    expect(formatShow(l, undefined)).toMatch(/redrive: {3}not redriven/);
    expect(formatShow(l, done)).toMatch(/redriven 2026-12-02T09:01:01.000Z by ops → T\[2\]@99/);
  });
});
