import type { DomainEvent } from '@shagym/contracts';

/** Fields that identify or describe a person, or carry free text that may: never sent to analysts. */
const PERSONAL = new Set([
  'iin', 'bin', 'surname', 'givenName', 'patronymic', 'name', 'postalAddress', 'email', 'phone',
  'text', 'subject', 'reasoning', 'legalBasis', 'fullName', 'recipientSignatureMark', 'trackingNumber',
  'signerId', 'certificateSerial', 'outgoingNumber',
]);

/**
 * Analysts see aggregates and de-identified events (issue 8): personal data and free text
 * are removed, structure and codes stay (kind of complainant, channel, decision, dates).
 */
export function deidentify(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(deidentify);
  if (data && typeof data === 'object') {
    return Object.fromEntries(
      Object.entries(data as Record<string, unknown>)
        .filter(([k]) => !PERSONAL.has(k))
        .map(([k, v]) => [k, deidentify(v)]),
    );
  }
  return data;
}

/** The organization an event concerns, for filtering. */
export function organizationOf(event: DomainEvent): string | null {
  const d = event.data as Record<string, unknown>;
  for (const key of ['organizationId', 'addresseeOrganizationId', 'toOrganizationId']) {
    if (typeof d[key] === 'string') return d[key] as string;
  }
  return null;
}
