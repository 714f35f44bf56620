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
organizationSchema.index({ region: 1, kind: 1 });

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
officialSchema.index({ organizationId: 1 });

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

/** The organizations directory and its officials; returns plain domain objects. */
export class DirectoryRepository {
  readonly organizations: Model<OrganizationDoc>;
  readonly officials: Model<OfficialDoc>;
  readonly services: Model<ServiceDoc>;
  readonly contactCenters: Model<ContactCenterDoc>;

  constructor(conn: Connection) {
    this.organizations = conn.model<OrganizationDoc>('Organization', organizationSchema);
    this.officials = conn.model<OfficialDoc>('Official', officialSchema);
    this.services = conn.model<ServiceDoc>('PublicService', serviceSchema);
    this.contactCenters = conn.model<ContactCenterDoc>('ContactCenter', contactCenterSchema);
  }

  get models(): Model<any>[] {
    return [this.organizations, this.officials, this.services, this.contactCenters];
  }

  /** Replaces the organization whole (the caller serializes directory writes). */
  async saveOrganization(org: Organization): Promise<void> {
    const { id, ...rest } = org;
    await this.organizations.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
  }

  async saveOfficial(official: Official): Promise<void> {
    const { id, ...rest } = official;
    await this.officials.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
  }

  async saveService(service: PublicService): Promise<void> {
    await this.services.replaceOne({ _id: service.code }, { _id: service.code, name: service.name }, { upsert: true });
  }

  async saveContactCenter(center: ContactCenter): Promise<void> {
    const { id, ...rest } = center;
    await this.contactCenters.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
  }

  async organization(id: string): Promise<Organization | null> {
    const doc = await this.organizations.findById(id).lean();
    return doc ? toOrganization(doc) : null;
  }

  async listOrganizations(filter: OrganizationFilter = {}): Promise<Organization[]> {
    const q: Record<string, string> = {};
    if (filter.region) q.region = filter.region;
    if (filter.kind) q.kind = filter.kind;
    if (filter.service) q.services = filter.service;
    const all = (await this.organizations.find(q).sort({ _id: 1 }).lean()).map(toOrganization);
    const needle = filter.search?.trim().toLocaleLowerCase('ru');
    if (!needle) return all;
    return all.filter((o) => [o.name.ru, o.name.kk, o.name.en, o.code].some((s) => s.toLocaleLowerCase('ru').includes(needle)));
  }

  async childrenOf(id: string): Promise<Organization[]> {
    return (await this.organizations.find({ parentId: id }).sort({ _id: 1 }).lean()).map(toOrganization);
  }

  async official(id: string): Promise<Official | null> {
    const doc = await this.officials.findById(id).lean();
    return doc ? toOfficial(doc) : null;
  }

  async officialsOf(organizationId: string): Promise<Official[]> {
    return (await this.officials.find({ organizationId }).sort({ _id: 1 }).lean()).map(toOfficial);
  }

  async allOfficials(): Promise<Official[]> {
    return (await this.officials.find().sort({ _id: 1 }).lean()).map(toOfficial);
  }

  async listServices(): Promise<PublicService[]> {
    return (await this.services.find().sort({ _id: 1 }).lean()).map(({ _id, name }) => ({ code: _id, name }));
  }

  async listContactCenters(): Promise<ContactCenter[]> {
    return (await this.contactCenters.find().sort({ _id: 1 }).lean()).map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}

function toOrganization({ _id, ...rest }: OrganizationDoc): Organization {
  return { id: _id, ...rest };
}

function toOfficial({ _id, ...rest }: OfficialDoc): Official {
  return { id: _id, ...rest };
}
