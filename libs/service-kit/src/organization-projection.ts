import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent, LocalizedText } from '@shagym/contracts';
import type { ConsumerSpec } from './consumer';
import { hasCollection, type Migration } from './migrations';
import { SETTING_REUSE_MS } from './setting-reuse';
import { readPoint, SlotList } from './slots';

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
 * document has one writer, and a replace by _id is safe on FerretDB. Reads are by `_id`
 * (key-first): the organizations of a kind in a region, and all of them, are slot lists of
 * organization ids kept beside the documents. Every complaint asks for its body, so what was
 * read is kept for a few seconds: the directory changes rarely, this instance's own upserts
 * refresh it at once, and another instance's are seen within SETTING_REUSE_MS.
 */
export class OrganizationProjection {
  readonly model: Model<OrganizationDoc>;
  private readonly lists: SlotList<null>;
  private any = false;
  private readonly cache = new LRUCache<string, { org: KnownOrganization | null }>({ max: 5_000, ttl: SETTING_REUSE_MS });

  constructor(conn: Connection) {
    this.model = conn.model<OrganizationDoc>('Organization', schema);
    this.lists = new SlotList<null>(conn, 'organization_lists');
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
    await indexOrganization(this.lists, d.organizationId, d.kind, d.region);
    this.cache.delete(d.organizationId);
  }

  async find(id: string): Promise<KnownOrganization | null> {
    const cached = this.cache.get(id);
    if (cached) return cached.org;
    const doc = await readPoint<OrganizationDoc>(this.model, id);
    const org = doc ? toKnown(doc) : null;
    this.cache.set(id, { org });
    return org;
  }

  /** The first by id of the organizations of that kind in that region (e.g. the region's authorized body, R12). */
  async findByKindAndRegion(kind: string, region: string): Promise<KnownOrganization | null> {
    const ids = [...new Set((await this.lists.all(kindList(kind, region))).map((e) => e.itemId))].sort();
    // An organization may have changed kind or region since it was listed: check each by _id.
    for (const org of await Promise.all(ids.map((id) => this.find(id)))) {
      if (org && org.kind === kind && org.region === region) return org;
    }
    return null;
  }

  /** Whether any organization is known yet (readiness). Organizations are never removed. */
  async hasAny(): Promise<boolean> {
    this.any ||= (await this.lists.count(ALL)) > 0;
    return this.any;
  }
}

function toKnown(doc: OrganizationDoc): KnownOrganization {
  return { id: doc._id, code: doc.code, kind: doc.kind, name: doc.name, region: doc.region, acceptsComplaints: doc.acceptsComplaints };
}

const ALL = 'organizations';
const kindList = (kind: string, region: string) => `kind:${kind}:${region}`;

async function indexOrganization(lists: SlotList<null>, id: string, kind: string, region: string): Promise<void> {
  await lists.append(ALL, id, null);
  await lists.append(kindList(kind, region), id, null);
}

/** Projections written before the slot lists existed get them from their documents (a start-up read, once). */
export const ORGANIZATION_LISTS_MIGRATION: Migration = {
  id: '2026-12-02-organization-lists',
  description: 'organization ids listed by kind and region for reads by _id',
  async run(conn) {
    if (!(await hasCollection(conn, 'organizations'))) return 0;
    const lists = new SlotList<null>(conn, 'organization_lists');
    let moved = 0;
    for await (const doc of conn.db!.collection<OrganizationDoc>('organizations').find({}, { projection: { kind: 1, region: 1 } })) {
      await indexOrganization(lists, doc._id, doc.kind, doc.region);
      moved++;
    }
    return moved;
  },
};

/** The consumer that keeps a service's projection of the directory up to date. */
export function organizationProjectionConsumer(service: string, projection: OrganizationProjection): ConsumerSpec {
  return {
    group: `${service}.directory`,
    topics: ['directory'],
    handlers: { 'organization.upserted': (event) => projection.apply(event) },
    // Contacts, services and officials are routing's; other services only name and code bodies.
    ignores: ['organization.profile-updated', 'official.upserted'],
  };
}
