import { randomUUID } from 'node:crypto';
import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { Addressee, Complaint } from './complaint';
import { complainantIdentity, type SubmitComplaintCommand } from './submission';

export interface SubmitComplaintPorts {
  findAddressee(id: string): Promise<Addressee | null>;
  findComplaint(id: string): Promise<Complaint | null>;
  /** Appends the event to the log (which is also the outbox): one atomic insert. */
  emit(event: DomainEvent<'complaint.submitted'>): Promise<{ status: 'appended' | 'duplicate' }>;
}

export type SubmitOutcome =
  | { kind: 'created' | 'replayed'; complaint: Complaint }
  | { kind: 'rejected'; field: string; message: string; code: 'BAD_USER_INPUT' | 'CONFLICT' };

/**
 * Files a portal complaint (R1). The complaint id is derived from the complainant and the
 * idempotency key, so a retry lands on the same id: the unique event id in the log makes the
 * second insert a duplicate instead of a second complaint.
 */
export class SubmitComplaint {
  constructor(private readonly ports: SubmitComplaintPorts) {}

  async execute(cmd: SubmitComplaintCommand, correlationId: string, now = new Date()): Promise<SubmitOutcome> {
    const addressee = await this.ports.findAddressee(cmd.addresseeOrganizationId);
    if (!addressee) {
      return { kind: 'rejected', code: 'BAD_USER_INPUT', field: 'input.addresseeOrganizationId', message: 'no such organization in the directory' };
    }
    if (!addressee.acceptsComplaints) {
      return { kind: 'rejected', code: 'BAD_USER_INPUT', field: 'input.addresseeOrganizationId', message: 'this organization does not accept complaints; address the head of the service provider or the Ministry (R1)' };
    }
    const complaintId = cmd.idempotencyKey
      ? deterministicUuid('complaint', complainantIdentity(cmd.complainant), cmd.idempotencyKey)
      : randomUUID();
    const event = createEvent({
      type: 'complaint.submitted',
      id: deterministicUuid('complaint.submitted', complaintId),
      source: 'intake',
      subject: complaintId,
      correlationId,
      time: now,
      data: {
        complaintId,
        channel: 'PORTAL',
        complainant: cmd.complainant,
        addresseeOrganizationId: cmd.addresseeOrganizationId,
        subject: cmd.subject,
        text: cmd.text,
        language: cmd.language,
        submittedAt: now.toISOString(),
      },
    });
    const result = await this.ports.emit(event);
    if (result.status === 'appended') return { kind: 'created', complaint: toComplaint(event) };

    const earlier = await this.ports.findComplaint(complaintId);
    if (!earlier) throw new Error(`complaint ${complaintId} reported as duplicate but not found`);
    if (!sameContent(earlier, event.data)) {
      return { kind: 'rejected', code: 'CONFLICT', field: 'input.idempotencyKey', message: 'this idempotency key was already used for a different complaint' };
    }
    return { kind: 'replayed', complaint: earlier };
  }
}

export function toComplaint(event: DomainEvent<'complaint.submitted'>): Complaint {
  const d = event.data;
  return {
    id: d.complaintId,
    channel: d.channel,
    complainant: d.complainant,
    addresseeOrganizationId: d.addresseeOrganizationId,
    subject: d.subject,
    text: d.text,
    language: d.language,
    submittedAt: d.submittedAt,
  };
}

function sameContent(a: Complaint, b: DomainEvent<'complaint.submitted'>['data']): boolean {
  const pick = (x: Pick<Complaint, 'complainant' | 'addresseeOrganizationId' | 'subject' | 'text' | 'language'>) =>
    JSON.stringify([canonical(x.complainant), x.addresseeOrganizationId, x.subject, x.text, x.language]);
  return pick(a) === pick(b);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
