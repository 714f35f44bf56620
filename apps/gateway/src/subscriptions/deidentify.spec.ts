import { deidentify } from './deidentify';

describe('de-identified events for analysts', () => {
  it('removes personal data and free text, keeps codes and dates', () => {
    const out = deidentify({
      complaintId: 'c-1',
      channel: 'PORTAL',
      complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау', email: 'a@b.kz' },
      subject: 'Отказ',
      text: 'Подробности',
      executor: { officialId: 'off-1', fullName: 'Иванов', position: 'Менеджер' },
      submittedAt: '2026-11-30T05:00:00.000Z',
      attachments: [{ name: 'скан.pdf', sizeBytes: 10 }],
    });
    expect(out).toEqual({
      complaintId: 'c-1',
      channel: 'PORTAL',
      complainant: { kind: 'INDIVIDUAL' },
      executor: { officialId: 'off-1', position: 'Менеджер' },
      submittedAt: '2026-11-30T05:00:00.000Z',
      attachments: [{ sizeBytes: 10 }],
    });
  });
});
