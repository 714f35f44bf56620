import { randomUUID } from 'node:crypto';
import { createEvent, type DomainEvent } from '@shagym/contracts';

/** organization.upserted as routing publishes it, for services that project the directory. */
export function organizationUpserted(
  id: string,
  overrides: Partial<DomainEvent<'organization.upserted'>['data']> = {},
): DomainEvent<'organization.upserted'> {
  return createEvent({
    type: 'organization.upserted',
    source: 'routing',
    subject: id,
    correlationId: `test-${randomUUID()}`,
    data: {
      organizationId: id,
      code: 'TST' + id.replace(/[^A-Z0-9]/gi, '').slice(-6).toUpperCase(),
      kind: 'PSC',
      name: { ru: `Организация ${id}`, kk: `Ұйым ${id}`, en: `Organization ${id}` },
      region: 'MANGYSTAU',
      acceptsComplaints: true,
      ...overrides,
    },
  });
}

export function complaintSubmitted(
  organizationId: string,
  complaintId: string = randomUUID(),
  channel: 'PORTAL' | 'POST' | 'IN_PERSON' = 'PORTAL',
): DomainEvent<'complaint.submitted'> {
  return createEvent({
    type: 'complaint.submitted',
    source: 'intake',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    data: {
      complaintId,
      channel,
      complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Тестов', givenName: 'Тест', postalAddress: 'Актау, 1-1-1' },
      addresseeOrganizationId: organizationId,
      subject: 'Тема',
      text: 'Текст жалобы',
      language: 'ru',
      submittedAt: new Date().toISOString(),
    },
  });
}

export function complaintRegistered(
  organizationId: string,
  complaintId: string = randomUUID(),
  registeredAt = new Date('2026-11-30T05:00:00.000Z'),
  sequence = 1,
): DomainEvent<'complaint.registered'> {
  const registeredOn = registeredAt.toISOString().slice(0, 10);
  return createEvent({
    type: 'complaint.registered',
    source: 'registry',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: registeredAt,
    data: {
      complaintId,
      organizationId,
      organizationCode: 'TST',
      incomingNumber: `TST-${registeredOn.slice(0, 4)}-${String(sequence).padStart(5, '0')}`,
      year: Number(registeredOn.slice(0, 4)),
      sequence,
      registeredAt: registeredAt.toISOString(),
      registeredOn,
      channel: 'PORTAL',
    },
  });
}

export function complaintAssigned(organizationId: string, complaintId: string, executorOfficialId: string): DomainEvent<'complaint.assigned'> {
  return createEvent({
    type: 'complaint.assigned',
    source: 'routing',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    data: {
      complaintId,
      organizationId,
      executor: { officialId: executorOfficialId, fullName: 'Исполнитель Тестовый', position: 'Главный специалист' },
      assignedBy: { officialId: 'head-1', fullName: 'Руководитель Тестовый' },
      assignedAt: new Date().toISOString(),
    },
  });
}
