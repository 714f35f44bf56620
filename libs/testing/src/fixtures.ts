import { randomInt } from 'node:crypto';

function checkDigit(first11: string): number | null {
  const digits = [...first11].map(Number);
  const weighted = (w: number[]) => digits.reduce((s, d, i) => s + d * w[i]!, 0) % 11;
  const a = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (a !== 10) return a;
  const b = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return b === 10 ? null : b;
}

/**
 * A random valid ИИН of an adult born in the 1900s. Written independently of intake's
 * validator on purpose: a test fixture that reused it could not catch its mistakes.
 */
export function randomIin(): string {
  for (;;) {
    const yy = String(randomInt(40, 99)).padStart(2, '0');
    const mm = String(randomInt(1, 13)).padStart(2, '0');
    const dd = String(randomInt(1, 29)).padStart(2, '0');
    const first11 = `${yy}${mm}${dd}${randomInt(3, 5)}${String(randomInt(0, 10000)).padStart(4, '0')}`;
    const d = checkDigit(first11);
    if (d !== null) return `${first11}${d}`;
  }
}

/** The seeded directory's organization ids used in tests (apps/routing/src/seed). */
export const SEEDED = {
  pscAktau: 'org-psc-aktau',
  pscZhanaozen: 'org-psc-zhanaozen',
  ministryDigital: 'org-mdai',
} as const;

/** A valid portal submission from an individual (R1, R3). */
export function portalSubmission(overrides: Record<string, unknown> = {}) {
  return {
    complainant: {
      individual: {
        iin: randomIin(),
        surname: 'Серикова',
        givenName: 'Айгерим',
        patronymic: 'Нурлановна',
        postalAddress: 'Актау, 14 микрорайон, дом 1, кв. 5',
        email: 'aigerim@example.kz',
      },
    },
    addresseeOrganizationId: SEEDED.pscAktau,
    subject: 'Отказ в приёме документов',
    text: 'В ЦОН мне отказали в приёме документов на регистрацию по месту жительства без объяснения причин.',
    language: 'RU',
    ...overrides,
  };
}
