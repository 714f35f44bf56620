import { randomUUID } from 'node:crypto';
import { createEvent, type DomainEvent, type EventData } from '@shagym/contracts';

type Complainant = EventData<'complaint.submitted'>['complainant'];
type Executor = EventData<'complaint.assigned'>['executor'];

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
  return submission(organizationId, complaintId, undefined, {
    channel,
    complainant: { kind: 'INDIVIDUAL', iin: '900101300017', surname: 'Тестов', givenName: 'Тест', postalAddress: 'Актау, 1-1-1' },
    subject: 'Тема',
    text: 'Текст жалобы',
    language: 'ru',
  });
}

/** complaint.submitted by an individual with the given ИИН and contacts, for the services that write to the complainant. */
export function complaintSubmittedBy(
  organizationId: string,
  complainant: Partial<Extract<Complainant, { kind: 'INDIVIDUAL' }>> & { iin: string },
  opts: { complaintId?: string; submittedAt?: Date; language?: 'ru' | 'kk' | 'en' } = {},
): DomainEvent<'complaint.submitted'> {
  return submission(organizationId, opts.complaintId ?? randomUUID(), opts.submittedAt, {
    channel: 'PORTAL',
    complainant: { kind: 'INDIVIDUAL', surname: 'Серикова', givenName: 'Айгерим', postalAddress: 'Актау, 14 мкр, дом 1, кв. 5', ...complainant },
    subject: 'Отказ в приёме документов',
    text: 'В ЦОН мне отказали в приёме документов без объяснения причин.',
    language: opts.language ?? 'ru',
  });
}

/** The envelope both submission builders share; only the complaint's content differs. */
function submission(
  organizationId: string,
  complaintId: string,
  submittedAt: Date | undefined,
  content: Omit<EventData<'complaint.submitted'>, 'complaintId' | 'addresseeOrganizationId' | 'submittedAt'>,
): DomainEvent<'complaint.submitted'> {
  return createEvent({
    type: 'complaint.submitted',
    source: 'intake',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: submittedAt,
    data: { complaintId, ...content, addresseeOrganizationId: organizationId, submittedAt: (submittedAt ?? new Date()).toISOString() },
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

/**
 * R2: the head appointed the executor, by id alone (a default name and position) or in full,
 * at `at` (now by default) so that tests can order it among the other steps.
 */
export function complaintAssigned(
  organizationId: string,
  complaintId: string,
  executor: string | (Pick<Executor, 'officialId' | 'fullName'> & Partial<Executor>),
  at: Date = new Date(),
): DomainEvent<'complaint.assigned'> {
  const appointed = typeof executor === 'string' ? { officialId: executor } : executor;
  return createEvent({
    type: 'complaint.assigned',
    source: 'routing',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: at,
    data: {
      complaintId,
      organizationId,
      executor: { fullName: 'Исполнитель Тестовый', position: 'Главный специалист', ...appointed },
      assignedBy: { officialId: 'head-1', fullName: 'Руководитель Тестовый' },
      assignedAt: at.toISOString(),
    },
  });
}

/** R2: the head replaced the executor `from` by `to` at `at`. */
export function complaintReassigned(organizationId: string, complaintId: string, from: string, to: string, at: Date = new Date()): DomainEvent<'complaint.reassigned'> {
  return createEvent({
    type: 'complaint.reassigned',
    source: 'routing',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: at,
    data: {
      complaintId,
      organizationId,
      executor: { officialId: to, fullName: 'Исполнитель Новый', position: 'Главный специалист' },
      previousExecutor: { officialId: from, fullName: 'Исполнитель Тестовый' },
      assignedBy: { officialId: 'head-1', fullName: 'Руководитель Тестовый' },
      assignedAt: at.toISOString(),
      reason: 'Перераспределение нагрузки',
    },
  });
}

type AnswerOverrides = Partial<Pick<EventData<'complaint.answered'>, 'decision' | 'reasoning' | 'outgoingNumber' | 'delivery'>>;

/** R9: the registry sent the reasoned reply at `at`; it stops the term and reaches the complainant. */
export function complaintAnswered(
  organizationId: string,
  complaintId: string,
  executorOfficialId = 'off-1',
  at: Date = new Date(),
  overrides: AnswerOverrides = {},
): DomainEvent<'complaint.answered'> {
  return createEvent({
    type: 'complaint.answered',
    source: 'registry',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: at,
    data: {
      ...replyLetter(organizationId, complaintId, executorOfficialId, at, 1),
      answeredAt: at.toISOString(),
      answeredOn: at.toISOString().slice(0, 10),
      decision: 'SATISFIED',
      reasoning: 'Документы приняты, сотруднику ЦОН объявлено замечание.',
      delivery: 'PORTAL',
      ...overrides,
    },
  });
}

/** R17: the registry refused review at `at` (no signature). */
export function complaintRefused(organizationId: string, complaintId: string, at: Date = new Date()): DomainEvent<'complaint.refused'> {
  return createEvent({
    type: 'complaint.refused',
    source: 'registry',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: at,
    data: {
      ...replyLetter(organizationId, complaintId, 'off-1', at, 2),
      refusedAt: at.toISOString(),
      refusedOn: at.toISOString().slice(0, 10),
      reason: 'NO_SIGNATURE',
      reasoning: 'Жалоба не подписана (R5).',
    },
  });
}

/** What an answer and a refusal both carry: the outgoing letter's number and the notices of the further remedies. */
function replyLetter(organizationId: string, complaintId: string, executorOfficialId: string, at: Date, sequence: number) {
  return {
    complaintId,
    organizationId,
    outgoingNumber: `OUT-${at.getUTCFullYear()}-${String(sequence).padStart(5, '0')}`,
    executorOfficialId,
    informedOfEscalation: true,
    informedOfCourt: true,
  };
}

/** R18: the head found the complaint outside the body's competence (routing). */
export function complaintOutsideCompetence(
  organizationId: string,
  complaintId: string,
  declaredAt: Date,
  receivedOn: string,
  competentOrganizationId?: string,
): DomainEvent<'complaint.outside-competence'> {
  return createEvent({
    type: 'complaint.outside-competence',
    source: 'routing',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: declaredAt,
    data: {
      complaintId,
      organizationId,
      reason: 'Вопрос относится к компетенции другого органа',
      ...(competentOrganizationId ? { competentOrganizationId } : {}),
      declaredBy: { officialId: `head-${organizationId}`, fullName: 'Head' },
      declaredAt: declaredAt.toISOString(),
      receivedOn,
    },
  });
}

/**
 * R7 + R18: the receiving body registered a forwarded complaint in its own journal (registry),
 * linked to the registration before (`previous`, the first body's when given).
 */
export function complaintRegisteredAfterForwarding(
  forwarded: DomainEvent<'complaint.forwarded'>,
  registeredAt: Date,
  sequence = 1,
  previous?: DomainEvent<'complaint.registered'>,
): DomainEvent<'complaint.registered'> {
  const base = complaintRegistered(forwarded.data.toOrganizationId, forwarded.data.complaintId, registeredAt, sequence);
  const p = previous?.data;
  return {
    ...base,
    causationId: forwarded.id,
    data: {
      ...base.data,
      organizationCode: 'RCV',
      incomingNumber: base.data.incomingNumber.replace('TST-', 'RCV-'),
      forwardedFrom: {
        organizationId: forwarded.data.fromOrganizationId,
        reason: forwarded.data.reason,
        forwardedAt: forwarded.data.forwardedAt,
        ...(p ? { registration: { organizationId: p.organizationId, organizationCode: p.organizationCode, incomingNumber: p.incomingNumber, registeredOn: p.registeredOn } } : {}),
      },
    },
  };
}

/** R18: the complaint was forwarded to the competent body (routing). */
export function complaintForwarded(
  fromOrganizationId: string,
  toOrganizationId: string,
  complaintId: string,
  forwardedAt: Date,
  receivedOn: string,
): DomainEvent<'complaint.forwarded'> {
  return createEvent({
    type: 'complaint.forwarded',
    source: 'routing',
    subject: complaintId,
    correlationId: `test-${randomUUID()}`,
    time: forwardedAt,
    data: {
      complaintId,
      fromOrganizationId,
      toOrganizationId,
      reason: 'вне компетенции',
      forwardedBy: { officialId: `head-${fromOrganizationId}`, fullName: 'Head' },
      forwardedAt: forwardedAt.toISOString(),
      receivedOn,
    },
  });
}
