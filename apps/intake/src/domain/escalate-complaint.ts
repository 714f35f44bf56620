import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { Identity } from '@shagym/service-kit';
import type { Addressee, Complaint } from './complaint';
import { complaintIdFor, type SubmitComplaint, type SubmitOutcome } from './submit-complaint';

export interface EscalatePorts {
  findComplaint(id: string): Promise<Complaint | null>;
  findAddressee(id: string): Promise<Addressee | null>;
  /** The authorized body's department for a region (R12, R13). */
  authorizedBodyFor(region: string): Promise<Addressee | null>;
  /** Whether the complaint got its reply or refusal (R9, R17). */
  wasReplied(complaintId: string): Promise<boolean>;
  /** The escalation already made of the complaint, if any (R12: once; then the court, R14). */
  escalationOf(complaintId: string): Promise<string | null>;
  /** Records the escalation on the first complaint (its timeline shows it, R11). */
  emit(event: DomainEvent<'complaint.escalated'>): Promise<unknown>;
}

export interface EscalateCommand {
  complaintId: string;
  text: string;
  idempotencyKey?: string;
}

/**
 * R12: a complainant who disagrees with the result complains to the authorized body for
 * quality control of public services — its department for the region of the body that
 * replied. The new complaint is linked to the first and reviewed in 15 working days (R13).
 */
export class EscalateComplaint {
  constructor(
    private readonly ports: EscalatePorts,
    private readonly submit: SubmitComplaint,
  ) {}

  async execute(
    cmd: EscalateCommand,
    caller: Identity,
    correlationId: string,
  ): Promise<SubmitOutcome | { kind: 'forbidden'; message: string } | { kind: 'invalid'; message: string }> {
    const first = await this.ports.findComplaint(cmd.complaintId);
    if (!first) return { kind: 'rejected', code: 'BAD_USER_INPUT', field: 'input.complaintId', message: 'no such complaint' };
    const owner = first.complainant.kind === 'INDIVIDUAL' ? caller.iin === first.complainant.iin : caller.bin === first.complainant.bin;
    if (!owner) return { kind: 'forbidden', message: 'only the complainant may escalate the complaint' };
    if (first.escalationOf) return { kind: 'invalid', message: 'this complaint is already an escalation; the next step is the court (R14)' };
    if (!(await this.ports.wasReplied(first.id))) return { kind: 'invalid', message: 'a complaint can be escalated once it has been answered or refused (R12)' };
    // R12 once: a retry of the same escalation (its idempotency key gives the same id) replays it below.
    const earlier = await this.ports.escalationOf(first.id);
    if (earlier && earlier !== escalationIdFor(first, cmd.idempotencyKey)) {
      return { kind: 'invalid', message: `this complaint was already escalated (${earlier}); the next step is the court (R14)` };
    }
    const addressee = await this.ports.findAddressee(first.addresseeOrganizationId);
    const body = addressee && (await this.ports.authorizedBodyFor(addressee.region));
    if (!body) return { kind: 'invalid', message: `no authorized body for quality control is known for ${addressee?.region ?? 'this region'}` };
    const outcome = await this.submit.execute(
      {
        ...(cmd.idempotencyKey ? { idempotencyKey: cmd.idempotencyKey } : {}),
        complainant: first.complainant,
        addresseeOrganizationId: body.id,
        subject: first.subject,
        text: cmd.text,
        language: first.language,
      },
      { channel: 'PORTAL', signature: null, escalationOf: first.id },
      correlationId,
    );
    if (outcome.kind === 'created' || outcome.kind === 'replayed') {
      // A second write, to the first complaint: its id derives from the new complaint, so a
      // retry after a crash between the two writes completes it without doubling it.
      await this.ports.emit(
        createEvent({
          type: 'complaint.escalated',
          id: deterministicUuid('complaint.escalated', outcome.complaint.id),
          source: 'intake',
          subject: first.id,
          correlationId,
          data: { complaintId: first.id, escalationComplaintId: outcome.complaint.id, authorizedBodyId: body.id, escalatedAt: outcome.complaint.submittedAt },
        }),
      );
    }
    return outcome;
  }
}

/** The id the escalation gets when it is submitted with this idempotency key (none: a new one each time). */
function escalationIdFor(first: Complaint, idempotencyKey: string | undefined): string | null {
  return idempotencyKey ? complaintIdFor(first.complainant, idempotencyKey) : null;
}
