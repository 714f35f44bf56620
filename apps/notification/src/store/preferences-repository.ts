import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { SlotList } from '@shagym/service-kit';
import type { Preferences } from '../domain/messages';

/** A recipient's versions of their preferences: `prefs:<recipientKey>:<n>`. */
export const preferencesList = (recipientKey: string) => `prefs:${recipientKey}`;

/**
 * A recipient's preferences as insert-only versions in slots (never an update: FerretDB loses
 * concurrent ones); the latest slot wins. Reading it is a count (cached, O(log n) point reads)
 * and one point read, whatever the number of recipients.
 */
export class PreferencesRepository {
  private readonly versions: SlotList<Preferences>;

  constructor(conn: Connection) {
    this.versions = new SlotList<Preferences>(conn, 'preference_slots');
  }

  get model() {
    return this.versions.model;
  }

  /** `versionId` makes a repeated save of one version idempotent (the migration passes the old id). */
  async save(prefs: Preferences, now: Date, versionId: string = randomUUID()): Promise<void> {
    await this.versions.append(preferencesList(prefs.recipientKey), versionId, prefs, now);
  }

  async latest(recipientKey: string): Promise<Preferences | null> {
    const { entries } = await this.versions.page(preferencesList(recipientKey), { limit: 1, newestFirst: true });
    const doc = entries[0]?.data;
    if (!doc) return null;
    return {
      recipientKey: doc.recipientKey,
      ...(doc.email ? { email: doc.email } : {}),
      ...(doc.phone ? { phone: doc.phone } : {}),
      emailEnabled: doc.emailEnabled,
      smsEnabled: doc.smsEnabled,
      language: doc.language,
    };
  }
}
