import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import { SETTING_REUSE_MS, SlotList } from '@shagym/service-kit';
import type { Preferences } from '../domain/messages';

/** A recipient's versions of their preferences: `prefs:<recipientKey>:<n>`. */
export const preferencesList = (recipientKey: string) => `prefs:${recipientKey}`;


/**
 * A recipient's preferences as insert-only versions in slots (never an update: FerretDB loses
 * concurrent ones); the latest slot wins. Reading it is a count (cached, O(log n) point reads)
 * and one point read, whatever the number of recipients. Every message asks for its
 * recipient's preferences: what was read is kept for a few seconds, this instance's own saves
 * replace it at once, and another instance's are seen within SETTING_REUSE_MS.
 */
export class PreferencesRepository {
  private readonly versions: SlotList<Preferences>;
  private readonly cache = new LRUCache<string, { prefs: Preferences | null }>({ max: 20_000, ttl: SETTING_REUSE_MS });

  constructor(conn: Connection) {
    this.versions = new SlotList<Preferences>(conn, 'preference_slots');
  }

  get model() {
    return this.versions.model;
  }

  /** `versionId` makes a repeated save of one version idempotent (the migration passes the old id). */
  async save(prefs: Preferences, now: Date, versionId: string = randomUUID()): Promise<void> {
    await this.versions.append(preferencesList(prefs.recipientKey), versionId, prefs, now);
    this.cache.delete(prefs.recipientKey);
  }

  async latest(recipientKey: string): Promise<Preferences | null> {
    const cached = this.cache.get(recipientKey);
    if (cached) return cached.prefs;
    const prefs = await this.read(recipientKey);
    this.cache.set(recipientKey, { prefs });
    return prefs;
  }

  private async read(recipientKey: string): Promise<Preferences | null> {
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
