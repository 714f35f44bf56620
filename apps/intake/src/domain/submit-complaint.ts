import { randomUUID } from 'node:crypto';
import { createEvent, deterministicUuid, type Channel, type Complainant, type DomainEvent, type EventData } from '@shagym/contracts';
import type { Addressee, Complaint } from './complaint';
import { matterKey } from './matter';
import { complainantIdentity, type SubmitComplaintCommand } from './submission';

type Submitted = EventData<'complaint.submitted'>;

/** How the complaint reached the body, beyond what the complainant wrote (R1, R5). */
export interface Filing {
  channel: Channel;
  signature: NonNullable<Submitted['signature']> | null;
  paper?: Submitted['paper'];
  attachments?: Submitted['attachments'];
  /** R12: the complaint this one escalates to the authorized body. */
  escalationOf?: string;
}

export interface SubmitComplaintPorts {
  findAddressee(id: string): Promise<Addressee | null>;
  findComplaint(id: string): Promise<Complaint | null>;
  /** An earlier complaint of the same complainant to the same body about the same matter. */
  findSameMatter(complainant: string, addresseeId: string, matter: string): Promise<string | null>;
  rememberMatter(complaintId: string, complainant: string, addresseeId: string, matter: string): Promise<void>;
  /** Appends the event to the log (which is also the outbox): one atomic insert. */
  emit(event: DomainEvent<'complaint.submitted'>): Promise<{ status: 'appended' | 'duplicate' }>;
}

export type SubmitOutcome =
  | { kind: 'created' | 'replayed'; complaint: Complaint }
  | { kind: 'rejected'; field: string; message: string; code: 'BAD_USER_INPUT' | 'CONFLICT' };

/** The id a complaint filed with this idempotency key gets: a retry lands on the same complaint. */
export function complaintIdFor(complainant: Complainant, idempotencyKey: string): string {
  return deterministicUuid('complaint', complainantIdentity(complainant), idempotencyKey);
}

const rejected = (field: string, message: string, code: 'BAD_USER_INPUT' | 'CONFLICT' = 'BAD_USER_INPUT'): SubmitOutcome => ({ kind: 'rejected', code, field, message });

/**
 * Files a complaint through any channel (R1). The complaint id is derived from the
 * complainant and the idempotency key, so a retry lands on the same id: the unique event id
 * in the log makes the second insert a duplicate instead of a second complaint.
 */
export class SubmitComplaint {
  constructor(private readonly ports: SubmitComplaintPorts) {}

  async execute(cmd: SubmitComplaintCommand, filing: Filing, correlationId: string, now = new Date()): Promise<SubmitOutcome> {
    let addresseeId = cmd.addresseeOrganizationId;
    if (cmd.aboutPscEmployeeOf) {
      // R6: about a PSC employee → to that PSC's head, whatever the complainant picked.
      const psc = await this.ports.findAddressee(cmd.aboutPscEmployeeOf);
      if (!psc || psc.kind !== 'PSC') return rejected('input.aboutPscEmployeeOf', 'no such Public Service Center in the directory');
      addresseeId = psc.id;
    }
    const addressee = await this.ports.findAddressee(addresseeId);
    if (!addressee) return rejected('input.addresseeOrganizationId', 'no such organization in the directory');
    if (!addressee.acceptsComplaints) {
      return rejected('input.addresseeOrganizationId', 'this organization does not accept complaints; address the head of the service provider or the Ministry (R1)');
    }

    const who = complainantIdentity(cmd.complainant);
    const complaintId = cmd.idempotencyKey ? complaintIdFor(cmd.complainant, cmd.idempotencyKey) : randomUUID();
    const matter = matterKey(cmd.subject);
    const earlier = filing.escalationOf ? null : await this.ports.findSameMatter(who, addressee.id, matter);
    const repeatOf = earlier && earlier !== complaintId ? earlier : undefined;
    const event = createEvent({
      type: 'complaint.submitted',
      id: deterministicUuid('complaint.submitted', complaintId),
      source: 'intake',
      subject: complaintId,
      correlationId,
      time: now,
      data: {
        complaintId,
        channel: filing.channel,
        complainant: cmd.complainant,
        addresseeOrganizationId: addressee.id,
        subject: cmd.subject,
        text: cmd.text,
        language: cmd.language,
        submittedAt: now.toISOString(),
        signature: filing.signature,
        ...(filing.paper ? { paper: filing.paper } : {}),
        ...(filing.attachments?.length ? { attachments: filing.attachments } : {}),
        ...(cmd.aboutPscEmployeeOf ? { aboutPscEmployee: true } : {}),
        ...(filing.escalationOf ? { escalationOf: filing.escalationOf } : {}),
        ...(repeatOf ? { repeatOf } : {}),
      },
    });
    const result = await this.ports.emit(event);
    if (result.status === 'appended') {
      await this.ports.rememberMatter(complaintId, who, addressee.id, matter);
      return { kind: 'created', complaint: toComplaint(event) };
    }

    const existing = await this.ports.findComplaint(complaintId);
    if (!existing) throw new Error(`complaint ${complaintId} reported as duplicate but not found`);
    if (!sameContent(existing, event.data)) {
      return rejected('input.idempotencyKey', 'this idempotency key was already used for a different complaint', 'CONFLICT');
    }
    // A retry after a crash between the append and remembering the matter completes it (an
    // insert that keeps an earlier first, so a repeat is never taken for the first).
    await this.ports.rememberMatter(complaintId, who, addressee.id, matter);
    return { kind: 'replayed', complaint: existing };
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
    signature: d.signature ?? null,
    paper: d.paper ?? null,
    attachments: d.attachments ?? [],
    aboutPscEmployee: d.aboutPscEmployee ?? false,
    escalationOf: d.escalationOf ?? null,
    repeatOf: d.repeatOf ?? null,
  };
}

function sameContent(a: Complaint, b: Submitted): boolean {
  const pick = (x: { complainant: unknown; addresseeOrganizationId: string; subject: string; text: string; language: string; channel: string }) =>
    JSON.stringify([canonical(x.complainant), x.addresseeOrganizationId, x.subject, x.text, x.language, x.channel]);
  return pick(a) === pick(b);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
