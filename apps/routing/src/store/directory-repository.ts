import { Schema, type Connection, type Model } from 'mongoose';
import type { Official, Organization } from '../domain/directory';

type OrganizationDoc = Omit<Organization, 'id'> & { _id: string };
type OfficialDoc = Omit<Official, 'id'> & { _id: string };

const localized = { ru: String, kk: String, en: String };

const organizationSchema = new Schema<OrganizationDoc>(
  {
    _id: String,
    code: { type: String, required: true },
    kind: { type: String, required: true },
    name: localized,
    region: { type: String, required: true },
    parentId: String,
    postalAddress: String,
    phones: [String],
    acceptsComplaints: { type: Boolean, required: true },
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
  },
  { versionKey: false, collection: 'officials' },
);
officialSchema.index({ organizationId: 1 });

/** The organizations directory and its officials; returns plain domain objects. */
export class DirectoryRepository {
  readonly organizations: Model<OrganizationDoc>;
  readonly officials: Model<OfficialDoc>;

  constructor(conn: Connection) {
    this.organizations = conn.model<OrganizationDoc>('Organization', organizationSchema);
    this.officials = conn.model<OfficialDoc>('Official', officialSchema);
  }

  async saveOrganization(org: Organization): Promise<void> {
    const { id, ...rest } = org;
    await this.organizations.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
  }

  async saveOfficial(official: Official): Promise<void> {
    const { id, ...rest } = official;
    await this.officials.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true });
  }

  async organization(id: string): Promise<Organization | null> {
    const doc = await this.organizations.findById(id).lean();
    return doc ? toOrganization(doc) : null;
  }

  async listOrganizations(filter: { region?: string | null; kind?: string | null }): Promise<Organization[]> {
    const q: Record<string, string> = {};
    if (filter.region) q.region = filter.region;
    if (filter.kind) q.kind = filter.kind;
    return (await this.organizations.find(q).sort({ _id: 1 }).lean()).map(toOrganization);
  }

  async official(id: string): Promise<Official | null> {
    const doc = await this.officials.findById(id).lean();
    return doc ? toOfficial(doc) : null;
  }

  async officialsOf(organizationId: string): Promise<Official[]> {
    return (await this.officials.find({ organizationId }).sort({ _id: 1 }).lean()).map(toOfficial);
  }
}

function toOrganization({ _id, ...rest }: OrganizationDoc): Organization {
  return { id: _id, ...rest };
}

function toOfficial({ _id, ...rest }: OfficialDoc): Official {
  return { id: _id, ...rest };
}
