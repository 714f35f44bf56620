import { buildDeadLetter, deadLetterId, deadLetterMarkId, producesLetter, REDRIVE_OF_HEADER } from './dead-letters';

const at = new Date('2026-12-02T09:00:00.000Z');
const message = (value: Buffer | null, headers: Record<string, Buffer | string> = {}) => ({ offset: '42', key: Buffer.from('c-1'), value, headers });

describe('dead letters (pure parts)', () => {
  it('names one letter per service and original message, whatever the group', () => {
    expect(deadLetterMarkId('t.x.complaints', 3, '42')).toBe('t.x.complaints:3:42');
    expect(deadLetterId('registry', 't.x.complaints', 3, '42')).toBe('registry:t.x.complaints:3:42');
    const a = buildDeadLetter({ service: 'registry', group: 'registry.complaints', topic: 'T', partition: 3, message: message(Buffer.from('{not json')), reason: 'malformed JSON', at });
    const b = buildDeadLetter({ service: 'registry', group: 'registry.access', topic: 'T', partition: 3, message: message(Buffer.from('{not json')), reason: 'malformed JSON', at });
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(buildDeadLetter({ service: 'deadline', group: 'deadline.terms', topic: 'T', partition: 3, message: message(null), reason: 'r', at }).id);
  });

  it('keeps the original message: key, text value, headers, and where it was', () => {
    const l = buildDeadLetter({
      service: 'registry',
      group: 'registry.complaints',
      topic: 'T',
      partition: 1,
      message: message(Buffer.from('{"a":1}'), { trace: Buffer.from('abc'), [REDRIVE_OF_HEADER]: 'registry:T:1:7' }),
      reason: 'handler failed: boom',
      eventType: 'complaint.submitted',
      eventId: 'e-1',
      at,
    });
    expect(l).toEqual({
      id: 'registry:T:1:42',
      service: 'registry',
      reason: 'handler failed: boom',
      group: 'registry.complaints',
      failedAt: '2026-12-02T09:00:00.000Z',
      eventType: 'complaint.submitted',
      eventId: 'e-1',
      redriveOf: 'registry:T:1:7',
      original: { topic: 'T', partition: 1, offset: '42', key: 'c-1', value: '{"a":1}', headers: { trace: 'abc', [REDRIVE_OF_HEADER]: 'registry:T:1:7' } },
    });
  });

  it('keeps bytes that are not UTF-8 exactly (base64), and a null value as null', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const l = buildDeadLetter({ service: 's', group: 'g', topic: 'T', partition: 0, message: message(bytes), reason: 'r', at });
    expect(Buffer.from(l.original.valueBase64!, 'base64').equals(bytes)).toBe(true);
    const n = buildDeadLetter({ service: 's', group: 'g', topic: 'T', partition: 0, message: message(null), reason: 'r', at });
    expect(n.original.value).toBeNull();
    expect(n.original.valueBase64).toBeUndefined();
  });

  it('lets only the group that wrote the marker send the letter (again after a crash), no other', () => {
    expect(producesLetter(null, 'registry.access')).toBe(true);
    expect(producesLetter('registry.complaints', 'registry.complaints')).toBe(true);
    expect(producesLetter('registry.complaints', 'registry.access')).toBe(false);
  });
});
