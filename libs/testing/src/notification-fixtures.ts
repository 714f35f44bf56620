import { randomUUID } from 'node:crypto';
import { createEvent, type DomainEvent, type EventData } from '@shagym/contracts';
import type { Identity } from '@shagym/service-kit';

type Complainant = EventData<'complaint.submitted'>['complainant'];

/**
 * Events and identities for the notification service's tests: a complainant with contacts,
 * the steps after registration (R2, R9, R17), and a company's identity. Grouped in one object
 * so that the names cannot clash with other services' fixtures.
 */
export const NOTIFY = {
  company: (bin: string): Identity => ({ subject: `company-${bin}`, roles: ['COMPANY'], bin }),

  /** complaint.submitted by an individual with the given ИИН and contacts. */
  submittedBy(
    organizationId: string,
    complainant: Partial<Extract<Complainant, { kind: 'INDIVIDUAL' }>> & { iin: string },
    opts: { complaintId?: string; submittedAt?: Date; language?: 'ru' | 'kk' | 'en' } = {},
  ): DomainEvent<'complaint.submitted'> {
    const complaintId = opts.complaintId ?? randomUUID();
    return createEvent({
      type: 'complaint.submitted',
      source: 'intake',
      subject: complaintId,
      correlationId: `test-${randomUUID()}`,
      time: opts.submittedAt,
      data: {
        complaintId,
        channel: 'PORTAL',
        complainant: { kind: 'INDIVIDUAL', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау, 14 мкр, дом 1, кв. 5', ...complainant },
        addresseeOrganizationId: organizationId,
        subject: 'Отказ в приёме документов',
        text: 'В ЦОН мне отказали в приёме документов без объяснения причин.',
        language: opts.language ?? 'ru',
        submittedAt: (opts.submittedAt ?? new Date()).toISOString(),
      },
    });
  },

  assigned(organizationId: string, complaintId: string, executor: { officialId: string; fullName: string }, at: Date): DomainEvent<'complaint.assigned'> {
    return createEvent({
      type: 'complaint.assigned',
      source: 'routing',
      subject: complaintId,
      correlationId: `test-${randomUUID()}`,
      time: at,
      data: {
        complaintId,
        organizationId,
        executor: { ...executor, position: 'главный специалист' },
        assignedBy: { officialId: 'head-1', fullName: 'Руководитель Тест' },
        assignedAt: at.toISOString(),
      },
    });
  },

  answered(organizationId: string, complaintId: string, executorOfficialId: string, at: Date, overrides: Partial<Pick<EventData<'complaint.answered'>, 'decision' | 'reasoning' | 'outgoingNumber' | 'delivery'>> = {}): DomainEvent<'complaint.answered'> {
    return createEvent({
      type: 'complaint.answered',
      source: 'registry',
      subject: complaintId,
      correlationId: `test-${randomUUID()}`,
      time: at,
      data: {
        complaintId,
        organizationId,
        outgoingNumber: `OUT-${at.getUTCFullYear()}-00001`,
        answeredAt: at.toISOString(),
        answeredOn: at.toISOString().slice(0, 10),
        executorOfficialId,
        decision: 'SATISFIED',
        reasoning: 'Документы приняты, сотруднику ЦОН объявлено замечание.',
        delivery: 'PORTAL',
        informedOfEscalation: true,
        informedOfCourt: true,
        ...overrides,
      },
    });
  },

  refused(organizationId: string, complaintId: string, at: Date): DomainEvent<'complaint.refused'> {
    return createEvent({
      type: 'complaint.refused',
      source: 'registry',
      subject: complaintId,
      correlationId: `test-${randomUUID()}`,
      time: at,
      data: {
        complaintId,
        organizationId,
        outgoingNumber: `OUT-${at.getUTCFullYear()}-00002`,
        refusedAt: at.toISOString(),
        refusedOn: at.toISOString().slice(0, 10),
        executorOfficialId: 'off-1',
        reason: 'NO_SIGNATURE',
        reasoning: 'Жалоба не подписана (R5).',
        informedOfEscalation: true,
        informedOfCourt: true,
      },
    });
  },
};
