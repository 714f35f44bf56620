import { Schema, type Connection, type Model } from 'mongoose';
import type { ContactCenter, Official, Organization, PublicService } from '../domain/directory';

type OrganizationDoc = Omit<Organization, 'id'> & { _id: string };
type OfficialDoc = Omit<Official, 'id'> & { _id: string };
type ServiceDoc = Omit<PublicService, 'code'> & { _id: string };
type ContactCenterDoc = Omit<ContactCenter, 'id'> & { _id: string };

const localized = { ru: String, kk: String, en: String };
/** An optional localized text: a sub-schema without an _id of its own. */
const optionalLocalized = new Schema({ ru: String, kk: String, en: String }, { _id: false });

const organizationSchema = new Schema<OrganizationDoc>(
  {
    _id: String,
    code: { type: String, required: true },
    kind: { type: String, required: true },
    name: localized,
    region: { type: String, required: true },
    parentId: String,
    postalAddress: String,
    phones: { type: [String], default: undefined },
    email: String,
    webResource: String,
    workingHours: { type: optionalLocalized, default: undefined },
    services: { type: [String], default: undefined },
    acceptsComplaints: { type: Boolean, required: true },
    autoAssign: Boolean,
  },
  { versionKey: false, collection: 'organizations' },
);
organizationSchema.index({ code: 1 }, { unique: true });

const officialSchema = new Schema<OfficialDoc>(
  {
    _id: String,
    organizationId: { type: String, required: true },
    fullName: { type: String, required: true },
    position: localized,
    roles: [String],
    active: { type: Boolean, default: true },
    absentUntil: String,
    services: { type: [String], default: undefined },
  },
  { versionKey: false, collection: 'officials' },
);

const serviceSchema = new Schema<ServiceDoc>({ _id: String, name: localized }, { versionKey: false, collection: 'public_services' });
const contactCenterSchema = new Schema<ContactCenterDoc>(
  { _id: String, phone: String, name: localized, description: localized },
  { versionKey: false, collection: 'contact_centers' },
);

export interface OrganizationFilter {
  region?: string | null;
  kind?: string | null;
  service?: string | null;
  /** Part of the name in any language (ru, kk, en) or of the code, case-insensitive. */
  search?: string | null;
}

/** What is held in memory: the whole directory, in maps by id. */
interface Loaded {
  organizations: Map<string, Organization>;
  officials: Map<string, Official>;
  /** Official ids per organization id. */
  staff: Map<string, Set<string>>;
  services: Map<string, PublicService>;
  contactCenters: Map<string, ContactCenter>;
}

/** Ids of the directory events this process emitted, remembered to tell them from others' (bounded). */
const OWN_EVENTS_REMEMBERED = 10_000;

/**
 * The organizations directory and its officials; returns plain domain objects.
 *
 * Key-first (architecture.md, "Reads that do not grow with the data"): the directory is small
 * (bodies and their officials, not complaints) and changes only through routing's own
 * commands and seed, so it is read whole once, at start-up (the one moment a read by other
 * fields is allowed), and held in memory: lists by region, kind, service, parent or
 * organization are answered from there, never by a query. Writes go to the database by `_id`
 * and then to memory; a change made by another process (the `seed` command) reaches this one
 * as its directory event, after which the entity is re-read by `_id` (refreshFromEvent).
 */
export class DirectoryRepository {
  readonly organizations: Model<OrganizationDoc>;
  readonly officials: Model<OfficialDoc>;
  readonly services: Model<ServiceDoc>;
  readonly contactCenters: Model<ContactCenterDoc>;
  private loading: Promise<Loaded> | null = null;
  private readonly ownEvents = new Set<string>();

  constructor(conn: Connection) {
    this.organizations = conn.model<OrganizationDoc>('Organization', organizationSchema);
    this.officials = conn.model<OfficialDoc>('Official', officialSchema);
    this.services = conn.model<ServiceDoc>('PublicService', serviceSchema);
    this.contactCenters = conn.model<ContactCenterDoc>('ContactCenter', contactCenterSchema);
  }

  get models(): Model<any>[] {
    return [this.organizations, this.officials, this.services, this.contactCenters];
  }

  /** Reads the whole directory into memory (start-up; later calls reuse it). */
  load(): Promise<void> {
    return this.loaded().then(() => undefined);
  }

  private loaded(): Promise<Loaded> {
    this.loading ??= this.readAll().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  private async readAll(): Promise<Loaded> {
    const [orgs, officials, services, centers] = await Promise.all([
      this.organizations.find().lean(),
      this.officials.find().lean(),
      this.services.find().lean(),
      this.contactCenters.find().lean(),
    ]);
    const loaded: Loaded = { organizations: new Map(), officials: new Map(), staff: new Map(), services: new Map(), contactCenters: new Map() };
    for (const doc of orgs) loaded.organizations.set(doc._id, toOrganization(doc));
    for (const doc of officials) putOfficial(loaded, toOfficial(doc));
    for (const { _id, name } of services) loaded.services.set(_id, { code: _id, name });
    for (const doc of centers) loaded.contactCenters.set(doc._id, toContactCenter(doc));
    return loaded;
  }

  /** Remembers an event this process emits (its change is applied here by the write itself). */
  noteOwnEvent(eventId: string): void {
    this.ownEvents.add(eventId);
    if (this.ownEvents.size > OWN_EVENTS_REMEMBERED) this.ownEvents.delete(this.ownEvents.values().next().value!);
  }

  /**
   * A directory event from the topic: when another process made the change, the entity is
   * re-read by `_id` (that process wrote its read model before publishing). This process's own
   * changes are skipped: memory already has them, and a re-read could race the write.
   */
  async refreshFromEvent(event: { id: string; type: string; subject: string }): Promise<void> {
    if (this.ownEvents.has(event.id)) return;
    const loaded = await this.loaded();
    if (event.type === 'official.upserted') {
      const doc = await this.officials.findById(event.subject).lean();
      if (doc) putOfficial(loaded, toOfficial(doc));
    } else {
      const doc = await this.organizations.findById(event.subject).lean();
      if (doc) loaded.organizations.set(doc._id, toOrganization(doc));
    }
  }

  /** Replaces the organization whole (the caller serializes directory writes). */
  async saveOrganization(org: Organization): Promise<void> {
    const { id, ...rest } = org;
    const loaded = await this.loaded();
    await this.organizations.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
    // Read back by `_id`: memory holds exactly what the schema stored, as after a restart.
    const doc = await this.organizations.findById(id).lean();
    if (doc) loaded.organizations.set(id, toOrganization(doc));
  }

  async saveOfficial(official: Official): Promise<void> {
    const { id, ...rest } = official;
    const loaded = await this.loaded();
    await this.officials.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
    const doc = await this.officials.findById(id).lean();
    if (doc) putOfficial(loaded, toOfficial(doc));
  }

  async saveService(service: PublicService): Promise<void> {
    const loaded = await this.loaded();
    await this.services.replaceOne({ _id: service.code }, { _id: service.code, name: service.name }, { upsert: true });
    const doc = await this.services.findById(service.code).lean();
    if (doc) loaded.services.set(doc._id, { code: doc._id, name: doc.name });
  }

  async saveContactCenter(center: ContactCenter): Promise<void> {
    const { id, ...rest } = center;
    const loaded = await this.loaded();
    await this.contactCenters.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
    const doc = await this.contactCenters.findById(id).lean();
    if (doc) loaded.contactCenters.set(doc._id, toContactCenter(doc));
  }

  // Reads hand out copies: a caller changing what it got cannot change the directory.

  async organization(id: string): Promise<Organization | null> {
    const org = (await this.loaded()).organizations.get(id);
    return org ? structuredClone(org) : null;
  }

  async listOrganizations(filter: OrganizationFilter = {}): Promise<Organization[]> {
    const needle = filter.search?.trim().toLocaleLowerCase('ru');
    const matches = (o: Organization) =>
      (!filter.region || o.region === filter.region) &&
      (!filter.kind || o.kind === filter.kind) &&
      (!filter.service || (o.services ?? []).includes(filter.service)) &&
      (!needle || [o.name.ru, o.name.kk, o.name.en, o.code].some((s) => s.toLocaleLowerCase('ru').includes(needle)));
    return sortedCopies([...(await this.loaded()).organizations.values()].filter(matches));
  }

  async childrenOf(id: string): Promise<Organization[]> {
    return sortedCopies([...(await this.loaded()).organizations.values()].filter((o) => o.parentId === id));
  }

  async official(id: string): Promise<Official | null> {
    const o = (await this.loaded()).officials.get(id);
    return o ? structuredClone(o) : null;
  }

  async officialsOf(organizationId: string): Promise<Official[]> {
    const loaded = await this.loaded();
    return sortedCopies([...(loaded.staff.get(organizationId) ?? [])].flatMap((id) => loaded.officials.get(id) ?? []));
  }

  async allOfficials(): Promise<Official[]> {
    return sortedCopies([...(await this.loaded()).officials.values()]);
  }

  async listServices(): Promise<PublicService[]> {
    return [...(await this.loaded()).services.values()].sort((a, b) => compareIds(a.code, b.code)).map((s) => structuredClone(s));
  }

  async listContactCenters(): Promise<ContactCenter[]> {
    return sortedCopies([...(await this.loaded()).contactCenters.values()]);
  }
}

/** Puts the official in memory, moving them between organizations when theirs changed. */
function putOfficial(loaded: Loaded, official: Official): void {
  const before = loaded.officials.get(official.id);
  if (before && before.organizationId !== official.organizationId) loaded.staff.get(before.organizationId)?.delete(official.id);
  loaded.officials.set(official.id, official);
  const staff = loaded.staff.get(official.organizationId) ?? new Set<string>();
  staff.add(official.id);
  loaded.staff.set(official.organizationId, staff);
}

/** `_id` order, as the database's sort by `_id` gave it (binary string order). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedCopies<T extends { id: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareIds(a.id, b.id)).map((x) => structuredClone(x));
}

function toOrganization({ _id, ...rest }: OrganizationDoc): Organization {
  return { id: _id, ...rest };
}

function toOfficial({ _id, ...rest }: OfficialDoc): Official {
  return { id: _id, ...rest };
}

function toContactCenter({ _id, ...rest }: ContactCenterDoc): ContactCenter {
  return { id: _id, ...rest };
}
