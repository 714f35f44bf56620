import { randomUUID } from 'node:crypto';
import { almatyDate, createEvent, type DomainEvent, type EventData } from '@shagym/contracts';
import { checkReply, type ComplaintCase, type TransitionRefusal } from './case';
import { formatOutgoingNumber } from './incoming-number';
import type { JournalKind } from './journal-chain';

export interface ReplyPorts {
  findCase(id: string): Promise<ComplaintCase>;
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
 * reasoned reply). Numbered in the organization's outgoing journal; the reply records that
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
    const c = await this.ports.findCase(complaintId);
    const refusal = checkReply(c, executorOfficialId, action);
    if (refusal) return { ok: false, refusal };
    const organizationId = c.registration!.organizationId;
    const code = (await this.ports.organizationCode(organizationId)) ?? c.registration!.organizationCode;
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
