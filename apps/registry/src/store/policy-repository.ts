import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey, readPoint, SETTING_REUSE_MS } from '@shagym/service-kit';
import { DEFAULT_POLICY, type RegistrationPolicy } from '../domain/registration-policy';

interface PolicyDoc extends RegistrationPolicy {
  _id: string;
  updatedAt: Date;
  updatedBy: string;
}

const schema = new Schema<PolicyDoc>(
  { _id: String, autoRegisterPortal: Boolean, autoRegisterPaper: Boolean, updatedAt: Date, updatedBy: String },
  { versionKey: false, collection: 'registration_policies' },
);

/**
 * Per-organization registration settings (R7); a replace by _id: the last setting wins. Every
 * submitted complaint asks for its body's policy, which a head changes rarely: what was read is
 * kept for a few seconds, and this instance's own changes replace it at once.
 */
export class PolicyRepository {
  readonly model: Model<PolicyDoc>;
  private readonly cache = new LRUCache<string, RegistrationPolicy>({ max: 5_000, ttl: SETTING_REUSE_MS });

  constructor(conn: Connection) {
    this.model = conn.model<PolicyDoc>('RegistrationPolicy', schema);
  }

  async get(organizationId: string): Promise<RegistrationPolicy> {
    const cached = this.cache.get(organizationId);
    if (cached) return cached;
    const doc = await readPoint<PolicyDoc>(this.model, organizationId);
    const policy = doc ? { autoRegisterPortal: doc.autoRegisterPortal, autoRegisterPaper: doc.autoRegisterPaper } : DEFAULT_POLICY;
    this.cache.set(organizationId, policy);
    return policy;
  }

  async set(organizationId: string, policy: RegistrationPolicy, by: string): Promise<void> {
    const doc = { _id: organizationId, ...policy, updatedAt: new Date(), updatedBy: by };
    try {
      await this.model.replaceOne({ _id: organizationId }, doc, { upsert: true });
    } catch (err) {
      // Two first-time settings at once: both upserts insert, one loses on _id. The document
      // exists now, so the replace applies (the last setting wins, as intended).
      if (!isDuplicateKey(err)) throw err;
      await this.model.replaceOne({ _id: organizationId }, doc);
    }
    this.cache.set(organizationId, policy);
  }
}
