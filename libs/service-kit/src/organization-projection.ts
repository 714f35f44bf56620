import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent, LocalizedText } from '@shagym/contracts';
import type { ConsumerSpec } from './consumer';

/** An organization as the services other than routing know it (from `organization.upserted`). */
export interface KnownOrganization {
  id: string;
  code: string;
  kind: string;
  name: LocalizedText;
  region: string;
  acceptsComplaints: boolean;
}

interface OrganizationDoc extends Omit<KnownOrganization, 'id'> {
  _id: string;
  /** Id of the last directory event applied. */
  lastEventId: string;
  updatedAt: Date;
}

const schema = new Schema<OrganizationDoc>(
  {
    _id: String,
    code: { type: String, required: true },
    kind: { type: String, required: true },
    name: { ru: String, kk: String, en: String },
    region: { type: String, required: true },
    acceptsComplaints: { type: Boolean, required: true },
    lastEventId: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'organizations' },
);

/**
 * A service's projection of routing's organizations directory: no service reads routing's
 * database (architecture.md). The directory topic is keyed by organization id, so each
 * document has one writer, and a replace by _id is safe on FerretDB.
 */
export class OrganizationProjection {
  readonly model: Model<OrganizationDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<OrganizationDoc>('Organization', schema);
  }

  async apply(event: DomainEvent<'organization.upserted'>): Promise<void> {
    const d = event.data;
    await this.model.replaceOne(
      { _id: d.organizationId },
      {
        _id: d.organizationId,
        code: d.code,
        kind: d.kind,
        name: d.name,
        region: d.region,
        acceptsComplaints: d.acceptsComplaints,
        lastEventId: event.id,
        updatedAt: new Date(event.time),
      },
      { upsert: true },
    );
  }

  async find(id: string): Promise<KnownOrganization | null> {
    const doc = await this.model.findById(id).lean();
    if (!doc) return null;
    const { _id, lastEventId: _e, updatedAt: _u, ...rest } = doc;
    return { id: _id, ...rest };
  }

  async findByKindAndRegion(kind: string, region: string): Promise<KnownOrganization | null> {
    const doc = await this.model.findOne({ kind, region }).sort({ _id: 1 }).lean();
    return doc ? this.find(doc._id) : null;
  }

  async count(): Promise<number> {
    return this.model.countDocuments();
  }
}

/** The consumer that keeps a service's projection of the directory up to date. */
export function organizationProjectionConsumer(service: string, projection: OrganizationProjection): ConsumerSpec {
  return {
    group: `${service}.directory`,
    topics: ['directory'],
    handlers: { 'organization.upserted': (event) => projection.apply(event) },
  };
}
