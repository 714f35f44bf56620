import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Preferences } from '../domain/messages';

type PrefDoc = Preferences & { _id: string; at: Date };

const schema = new Schema<PrefDoc>(
  {
    _id: String,
    recipientKey: { type: String, required: true },
    at: { type: Date, required: true },
    email: String,
    phone: String,
    emailEnabled: { type: Boolean, required: true },
    smsEnabled: { type: Boolean, required: true },
    language: { type: String, required: true },
  },
  { versionKey: false, collection: 'preferences' },
);
schema.index({ recipientKey: 1, at: -1 });

/** A recipient's preferences as insert-only versions; the latest wins. */
export class PreferencesRepository {
  readonly model: Model<PrefDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<PrefDoc>('Preferences', schema);
  }

  async save(prefs: Preferences, now: Date): Promise<void> {
    await this.model.create({ _id: randomUUID(), at: now, ...prefs });
  }

  async latest(recipientKey: string): Promise<Preferences | null> {
    const doc = await this.model.findOne({ recipientKey }).sort({ at: -1, _id: -1 }).lean();
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
