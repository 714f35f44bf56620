import { randomUUID } from 'node:crypto';
import { almatyDate, createEvent, type DomainEvent, type EventData } from '@shagym/contracts';
import { checkReply, type ComplaintCase, type CurrentHolder, type TransitionRefusal } from './case';
import { formatOutgoingNumber } from './incoming-number';
import type { JournalKind } from './journal-chain';

export interface ReplyPorts {
  findCase(id: string): Promise<ComplaintCase>;
  /** Who holds the complaint now (service-kit ComplaintAccess#holder): who may answer, in whose journal (R2, R18). */
  holder(id: string): Promise<CurrentHolder | null>;
  organizationCode(id: string): Promise<string | null>;
  allocate(journal: JournalKind, organizationId: string, year: number, complaintId: string, now: Date): Promise<{ sequence: number; allocatedAt: Date }>;
  /** Appends only if the case's own stream is still at `expectedVersion`. */
  emit(event: DomainEvent<'complaint.answered' | 'complaint.refused'>, expectedVersion: number): Promise<unknown>;
}

export type AnswerCommand = Pick<
  EventData<'complaint.answered'>,
  'decision' | 'reasoning' | 'legalBasis' | 'delivery' | 'trackingNumber' | 'handedOverOn' | 'recipientSignatureMark'
> & { complaintId: string };

export type RefuseCommand = Pick<EventData<'complaint.refused'>, 'reason' | 'reasoning'> & { complaintId: string };

export type ReplyOutcome = { ok: true; event: DomainEvent<'complaint.answered' | 'complaint.refused'> } | { ok: false; refusal: TransitionRefusal };

/**
 * R9: the appointed executor's reasoned reply, or R17: a refusal with a coded reason (itself a
 * reasoned reply). Numbered in the outgoing journal of the body that holds the complaint now
 * (after a forwarding, R18, the receiving body's, not the first registrar's); the reply records that
 * the complainant was told of the right to escalate (R12) and to go to court (R14).
 * Concurrent replies to one complaint: one wins, the other sees INVALID_TRANSITION.
 */
export class ReplyToComplaint {
  constructor(private readonly ports: ReplyPorts) {}

  answer(cmd: AnswerCommand, executorOfficialId: string | undefined, correlationId: string, now = new Date()) {
    return this.reply('answer', cmd.complaintId, executorOfficialId, now, (base) =>
      createEvent({
        type: 'complaint.answered',
        ...base,
        correlationId,
        data: {
          complaintId: cmd.complaintId,
          organizationId: base.organizationId,
          outgoingNumber: base.outgoingNumber,
          answeredAt: now.toISOString(),
          answeredOn: almatyDate(now),
          executorOfficialId: executorOfficialId!,
          decision: cmd.decision,
          reasoning: cmd.reasoning,
          ...(cmd.legalBasis ? { legalBasis: cmd.legalBasis } : {}),
          delivery: cmd.delivery,
          ...(cmd.trackingNumber ? { trackingNumber: cmd.trackingNumber } : {}),
          ...(cmd.handedOverOn ? { handedOverOn: cmd.handedOverOn } : {}),
          ...(cmd.recipientSignatureMark ? { recipientSignatureMark: cmd.recipientSignatureMark } : {}),
          informedOfEscalation: true,
          informedOfCourt: true,
        },
      }),
    );
  }

  refuse(cmd: RefuseCommand, executorOfficialId: string | undefined, correlationId: string, now = new Date()) {
    return this.reply('refuse', cmd.complaintId, executorOfficialId, now, (base) =>
      createEvent({
        type: 'complaint.refused',
        ...base,
        correlationId,
        data: {
          complaintId: cmd.complaintId,
          organizationId: base.organizationId,
          outgoingNumber: base.outgoingNumber,
          refusedAt: now.toISOString(),
          refusedOn: almatyDate(now),
          executorOfficialId: executorOfficialId!,
          reason: cmd.reason,
          reasoning: cmd.reasoning,
          informedOfEscalation: true,
          informedOfCourt: true,
        },
      }),
    );
  }

  private async reply(
    action: 'answer' | 'refuse',
    complaintId: string,
    executorOfficialId: string | undefined,
    now: Date,
    build: (base: { id: string; source: 'registry'; subject: string; time: Date; organizationId: string; outgoingNumber: string }) => DomainEvent<'complaint.answered' | 'complaint.refused'>,
  ): Promise<ReplyOutcome> {
    const [c, holder] = await Promise.all([this.ports.findCase(complaintId), this.ports.holder(complaintId)]);
    const refusal = checkReply(c, holder, executorOfficialId, action);
    if (refusal) return { ok: false, refusal };
    // R9, R18: the reply leaves from the body that holds the complaint now.
    const organizationId = holder!.currentOrganizationId!;
    const code = (await this.ports.organizationCode(organizationId)) ?? (organizationId === c.registration!.organizationId ? c.registration!.organizationCode : null);
    if (!code) return { ok: false, refusal: { code: 'INVALID_TRANSITION', message: `cannot ${action}: the body that holds the complaint (${organizationId}) is not in the directory yet` } };
    const entry = await this.ports.allocate('outgoing', organizationId, Number(almatyDate(now).slice(0, 4)), complaintId, now);
    const year = Number(almatyDate(entry.allocatedAt).slice(0, 4));
    const event = build({
      id: randomUUID(),
      source: 'registry',
      subject: complaintId,
      time: now,
      organizationId,
      outgoingNumber: formatOutgoingNumber(code, year, entry.sequence),
    });
    await this.ports.emit(event, c.version);
    return { ok: true, event };
  }
}
