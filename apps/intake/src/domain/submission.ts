import { languageOf, type Complainant, type Language } from '@shagym/contracts';
import { validateBin, validateIin, type IdentifierProblem } from './identifiers';

/** Problems name the input field at fault, as the GraphQL error reports it. */
export interface Problem {
  field: string;
  message: string;
}

export interface SubmitComplaintCommand {
  idempotencyKey?: string;
  complainant: Complainant;
  addresseeOrganizationId: string;
  subject: string;
  text: string;
  language: Language;
  /** R6: the PSC whose employee the complaint is about; it becomes the addressee. */
  aboutPscEmployeeOf?: string;
}

/** The raw input, as a portal form sends it (shape of SubmitComplaintInput). */
export interface SubmissionInput {
  idempotencyKey?: string | null;
  complainant: {
    individual?: {
      iin: string;
      surname: string;
      givenName: string;
      patronymic?: string | null;
      postalAddress: string;
      email?: string | null;
      phone?: string | null;
    } | null;
    legalEntity?: {
      bin: string;
      name: string;
      postalAddress: string;
      outgoingNumber: string;
      outgoingDate: string;
      email?: string | null;
      phone?: string | null;
    } | null;
  };
  addresseeOrganizationId: string;
  subject: string;
  text: string;
  language?: Language | string | null;
  aboutPscEmployeeOf?: string | null;
}

export const LIMITS = {
  idempotencyKey: 100,
  name: 100,
  companyName: 300,
  postalAddress: 500,
  subject: 300,
  text: 20_000,
  outgoingNumber: 50,
} as const;

const IDENTIFIER_MESSAGES: Record<IdentifierProblem, string> = {
  format: 'must be 12 digits',
  checksum: 'check digit does not match',
  'birth-date': 'does not encode a plausible birth date',
  'entity-type': 'the 5th digit must be 4, 5 or 6 (type of legal entity)',
};

/**
 * Validates a submission into a command (R3, R4 requisites; ИИН/БИН check digits). Returns
 * every problem at once, each naming its field, so a form can mark all of them.
 */
export function validateSubmission(
  input: SubmissionInput,
  today = new Date(),
): { ok: true; command: SubmitComplaintCommand } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const text = (field: string, value: string | null | undefined, max: number, required = true) => {
    const v = typeof value === 'string' ? value.trim() : '';
    if (!v) {
      if (required) problems.push({ field, message: 'is required' });
      return undefined;
    }
    if (v.length > max) problems.push({ field, message: `must be at most ${max} characters` });
    // Control characters have no place in a letter and break printed documents.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(v)) problems.push({ field, message: 'contains control characters' });
    return v;
  };
  const email = (field: string, value: string | null | undefined) => {
    const v = text(field, value, 200, false);
    if (v && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) problems.push({ field, message: 'is not an e-mail address' });
    return v;
  };
  const phone = (field: string, value: string | null | undefined) => {
    const v = text(field, value, 30, false);
    if (v && !/^\+?[0-9 ()-]{6,20}$/.test(v)) problems.push({ field, message: 'is not a phone number' });
    return v;
  };

  const { individual, legalEntity } = input.complainant ?? {};
  let complainant: Complainant | undefined;
  if (!!individual === !!legalEntity) {
    problems.push({ field: 'input.complainant', message: 'give exactly one of individual or legalEntity' });
  } else if (individual) {
    const f = 'input.complainant.individual';
    const iin = (individual.iin ?? '').trim();
    const iinProblem = validateIin(iin, today);
    if (iinProblem) problems.push({ field: `${f}.iin`, message: `ИИН ${IDENTIFIER_MESSAGES[iinProblem]}` });
    const surname = text(`${f}.surname`, individual.surname, LIMITS.name);
    const givenName = text(`${f}.givenName`, individual.givenName, LIMITS.name);
    const patronymic = text(`${f}.patronymic`, individual.patronymic, LIMITS.name, false);
    const postalAddress = text(`${f}.postalAddress`, individual.postalAddress, LIMITS.postalAddress);
    const mail = email(`${f}.email`, individual.email);
    const tel = phone(`${f}.phone`, individual.phone);
    if (surname && givenName && postalAddress) {
      complainant = {
        kind: 'INDIVIDUAL',
        iin,
        surname,
        givenName,
        ...(patronymic ? { patronymic } : {}),
        postalAddress,
        ...(mail ? { email: mail } : {}),
        ...(tel ? { phone: tel } : {}),
      };
    }
  } else if (legalEntity) {
    const f = 'input.complainant.legalEntity';
    const bin = (legalEntity.bin ?? '').trim();
    const binProblem = validateBin(bin);
    if (binProblem) problems.push({ field: `${f}.bin`, message: `БИН ${IDENTIFIER_MESSAGES[binProblem]}` });
    const name = text(`${f}.name`, legalEntity.name, LIMITS.companyName);
    const postalAddress = text(`${f}.postalAddress`, legalEntity.postalAddress, LIMITS.postalAddress);
    const outgoingNumber = text(`${f}.outgoingNumber`, legalEntity.outgoingNumber, LIMITS.outgoingNumber);
    const outgoingDate = (legalEntity.outgoingDate ?? '').trim();
    if (!isPastOrToday(outgoingDate, today)) {
      problems.push({ field: `${f}.outgoingDate`, message: 'must be a date YYYY-MM-DD, not in the future' });
    }
    const mail = email(`${f}.email`, legalEntity.email);
    const tel = phone(`${f}.phone`, legalEntity.phone);
    if (name && postalAddress && outgoingNumber) {
      complainant = {
        kind: 'LEGAL_ENTITY',
        bin,
        name,
        postalAddress,
        outgoingNumber,
        outgoingDate,
        ...(mail ? { email: mail } : {}),
        ...(tel ? { phone: tel } : {}),
      };
    }
  }

  const addresseeOrganizationId = text('input.addresseeOrganizationId', input.addresseeOrganizationId, 100);
  const subject = text('input.subject', input.subject, LIMITS.subject);
  const body = text('input.text', input.text, LIMITS.text);
  const key = input.idempotencyKey ?? undefined;
  if (key !== undefined && !/^[A-Za-z0-9._:-]{8,100}$/.test(key)) {
    problems.push({ field: 'input.idempotencyKey', message: 'must be 8–100 characters of letters, digits, . _ : -' });
  }
  if (problems.length || !complainant || !addresseeOrganizationId || !subject || !body) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    command: {
      ...(key ? { idempotencyKey: key } : {}),
      complainant,
      addresseeOrganizationId,
      subject,
      text: body,
      language: languageOf(input.language),
      ...(input.aboutPscEmployeeOf ? { aboutPscEmployeeOf: input.aboutPscEmployeeOf } : {}),
    },
  };
}

function isPastOrToday(date: string, today: Date): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date && d.getTime() <= today.getTime();
}

/** The complainant's stable identity (ИИН or БИН) that scopes idempotency keys. */
export function complainantIdentity(c: Complainant): string {
  return c.kind === 'INDIVIDUAL' ? `IIN:${c.iin}` : `BIN:${c.bin}`;
}
