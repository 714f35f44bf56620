import { createEvent, decodeEvent } from './event';
import { deterministicUuid } from './ids';
import { almatyDate } from './time';

const submitted = () =>
  createEvent({
    type: 'complaint.submitted',
    source: 'intake',
    subject: 'c-1',
    correlationId: 'corr-1',
    data: {
      complaintId: 'c-1',
      channel: 'PORTAL',
      complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау, 14-1-5' },
      addresseeOrganizationId: 'org-psc-aktau',
      subject: 'Тема',
      text: 'Текст',
      language: 'ru',
      submittedAt: '2026-11-30T05:00:00.000Z',
    },
  });

describe('event envelope validation at the consumer edge', () => {
  it('accepts a well-formed event and types its data', () => {
    const decoded = decodeEvent(JSON.stringify(submitted()));
    expect(decoded.ok).toBe(true);
    if (decoded.ok && decoded.event.type === 'complaint.submitted') {
      expect(decoded.event.data.complainant.kind).toBe('INDIVIDUAL');
    }
  });

  it.each([
    ['malformed JSON', '{"id":', /malformed JSON/],
    ['a tombstone', null, /empty message/],
    ['an envelope without id', JSON.stringify({ ...submitted(), id: undefined }), /invalid envelope: id/],
    ['a non-UUID id', JSON.stringify({ ...submitted(), id: 'abc' }), /invalid envelope: id/],
    ['an unknown source', JSON.stringify({ ...submitted(), source: 'mallory' }), /invalid envelope: source/],
    ['an unknown type', JSON.stringify({ ...submitted(), type: 'complaint.vanished' }), /unknown event type "complaint.vanished"/],
    ['an unsupported version', JSON.stringify({ ...submitted(), version: 2 }), /unsupported version 2 of "complaint.submitted"/],
    ['missing data fields', JSON.stringify({ ...submitted(), data: { complaintId: 'c-1' } }), /invalid data for "complaint.submitted" v1: channel/],
    ['a wrong data type', JSON.stringify({ ...submitted(), data: { ...submitted().data, complainant: { kind: 'INDIVIDUAL', iin: 42 } } }), /complainant/],
  ])('refuses %s with a reason', (_label, raw, reason) => {
    const decoded = decodeEvent(raw);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });

  it('never lets a producer emit data that breaks the contract', () => {
    expect(() =>
      createEvent({ type: 'deadline.set', source: 'deadline', subject: 'c-1', correlationId: 'x', data: { complaintId: 'c-1' } as never }),
    ).toThrow();
  });
});

describe('deterministic ids', () => {
  it('are UUID-shaped, stable for the same parts and different for others', () => {
    const a = deterministicUuid('complaint.registered', 'c-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('complaint.registered', 'c-1')).toBe(a);
    expect(deterministicUuid('complaint.registered', 'c-2')).not.toBe(a);
    // parts are separated, so ('ab','c') and ('a','bc') differ
    expect(deterministicUuid('ab', 'c')).not.toBe(deterministicUuid('a', 'bc'));
  });
});

describe('Asia/Almaty dates (UTC+5)', () => {
  it('turns an instant into the local calendar date', () => {
    expect(almatyDate(new Date('2026-11-30T18:59:59Z'))).toBe('2026-11-30');
    expect(almatyDate(new Date('2026-11-30T19:00:00Z'))).toBe('2026-12-01');
    expect(almatyDate(new Date('2026-12-31T19:30:00Z'))).toBe('2027-01-01');
  });
});
