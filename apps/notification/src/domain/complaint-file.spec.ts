import { createEvent } from '@shagym/contracts';
import type { Identity } from '@shagym/service-kit';
import { foldFile, recipientKeyOf, toFact, type ComplaintFact } from './complaint-file';

const complaintId = 'c-1';
const submitted = createEvent({
  type: 'complaint.submitted',
  source: 'intake',
  subject: complaintId,
  correlationId: 'k',
  data: {
    complaintId,
    channel: 'PORTAL',
    complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау, 14-1-5', email: 'a@example.kz', phone: '+77011234567' },
    addresseeOrganizationId: 'org-a',
    subject: 'Отказ в приёме документов',
    text: 'Текст',
    language: 'kk',
    submittedAt: '2026-11-30T04:00:00.000Z',
  },
});
const registered = createEvent({
  type: 'complaint.registered',
  source: 'registry',
  subject: complaintId,
  correlationId: 'k',
  data: { complaintId, organizationId: 'org-r', organizationCode: 'RR', incomingNumber: 'RR-2026-00001', year: 2026, sequence: 1, registeredAt: '2026-11-30T05:00:00.000Z', registeredOn: '2026-11-30', channel: 'PORTAL' },
});

const citizen = (iin: string): Identity => ({ subject: iin, roles: ['CITIZEN'], iin });
const official = (role: 'HEAD' | 'EXECUTOR', organizationId: string): Identity => ({ subject: 'o', roles: [role], organizationId, officialId: 'off-1' });

describe('the complaint file (notification’s own projection)', () => {
  const facts = [toFact(registered), toFact(submitted)] as ComplaintFact[];
  const file = foldFile(complaintId, facts);

  it('keeps the complainant’s contacts and the registration, whatever the arrival order', () => {
    expect(file.complainant).toEqual({
      recipientKey: 'iin:900101300017',
      kind: 'INDIVIDUAL',
      displayName: 'Серикова Айгерим',
      postalAddress: 'Актау, 14-1-5',
      email: 'a@example.kz',
      phone: '+77011234567',
    });
    expect(file.registration?.incomingNumber).toBe('RR-2026-00001');
    expect(file.language).toBe('kk');
  });

  it('keys a recipient’s inbox by ИИН, БИН or official id', () => {
    expect(recipientKeyOf(citizen('900101300017'))).toBe('iin:900101300017');
    expect(recipientKeyOf({ subject: 'c', roles: ['COMPANY'], bin: '123456789012' })).toBe('bin:123456789012');
    expect(recipientKeyOf(official('EXECUTOR', 'org-a'))).toBe('official:off-1');
    expect(recipientKeyOf({ subject: 'x', roles: ['ANALYST'] })).toBeNull();
  });
});

describe('a company’s complaint (R4)', () => {
  it('belongs to the company by БИН', () => {
    const bySubmission = createEvent({
      type: 'complaint.submitted',
      source: 'intake',
      subject: 'c-2',
      correlationId: 'k',
      data: {
        complaintId: 'c-2',
        channel: 'POST',
        complainant: { kind: 'LEGAL_ENTITY', bin: '123456789012', name: 'ТОО «Каспий»', postalAddress: 'Актау, 1-1', outgoingNumber: '15', outgoingDate: '2026-11-25', email: 'office@caspiy.kz' },
        addresseeOrganizationId: 'org-a',
        subject: 'Задержка лицензии',
        text: 'Текст',
        language: 'ru',
        submittedAt: '2026-11-30T04:00:00.000Z',
      },
    });
    const file = foldFile('c-2', [toFact(bySubmission)!]);
    expect(file.complainant).toMatchObject({ recipientKey: 'bin:123456789012', displayName: 'ТОО «Каспий»', email: 'office@caspiy.kz' });
  });
});
