import { createHash } from 'node:crypto';
import { z } from 'zod';
import { createEvent, deterministicUuid, localDate, localizedText, OFFICIAL_ROLES, ORGANIZATION_KINDS, type DomainEvent } from '@shagym/contracts';
import { parseCsv } from './csv';
import type { Official, Organization } from './directory';
import { REGION_CODES } from './regions';

/** One organization or official as an import, the seed or a supervisor's mutation gives it. */
export type DirectoryRecord =
  | { line?: number; entity: 'ORGANIZATION'; organization: Organization }
  | { line?: number; entity: 'OFFICIAL'; official: Official };

export interface DirectoryProblem {
  /** The line of the file (CSV: the record's first line; JSON: the line of its "id"). */
  line?: number;
  field?: string;
  message: string;
}

export type ChangeKind = 'CREATE' | 'UPDATE' | 'UNCHANGED';

export interface DirectoryChange {
  entity: 'ORGANIZATION' | 'OFFICIAL';
  id: string;
  change: ChangeKind;
  /** The fields that differ from the directory now (all given fields for CREATE). */
  fields: string[];
  line?: number;
  /** The events that applying this change appends (nothing for UNCHANGED). */
  events: DirectoryEvent[];
  after: Organization | Official;
}

export type DirectoryEvent = DomainEvent<'organization.upserted' | 'organization.profile-updated' | 'official.upserted'>;

export interface DirectoryState {
  organizations: Organization[];
  officials: Official[];
  /** Codes of the public services the catalog knows; unknown codes are refused. */
  serviceCodes: ReadonlySet<string>;
}

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,99}$/, 'an id: lower-case latin letters, digits and dashes');
const text = (max: number) => z.string().trim().min(1).max(max);
const serviceCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/);

export const organizationSchema = z.object({
  id: idSchema,
  code: z.string().regex(/^[A-Z0-9]{2,12}$/, '2–12 capital latin letters or digits (used in incoming numbers, R7)'),
  kind: z.enum(ORGANIZATION_KINDS),
  name: z.object({ ru: text(500), kk: text(500), en: text(500) }),
  region: z.string().refine((r) => REGION_CODES.has(r), 'one of the 17 regions or 3 cities (e.g. MANGYSTAU, ASTANA)'),
  parentId: idSchema.optional(),
  postalAddress: z.string().trim().min(5).max(500).optional(),
  phones: z.array(z.string().trim().regex(/^[0-9+()\- ]{3,40}$/, 'a phone number')).max(20).optional(),
  email: z.email().max(200).optional(),
  webResource: z.url().max(300).optional(),
  workingHours: localizedText.optional(),
  services: z.array(serviceCode).max(300).optional(),
  acceptsComplaints: z.boolean(),
  autoAssign: z.boolean().optional(),
});

export const officialSchema = z.object({
  id: idSchema,
  organizationId: idSchema,
  fullName: text(200),
  position: z.object({ ru: text(300), kk: text(300), en: text(300) }),
  roles: z.array(z.enum(OFFICIAL_ROLES)).min(1, 'at least one role'),
  active: z.boolean(),
  absentUntil: localDate.optional(),
  services: z.array(serviceCode).max(100).optional(),
});

/** Drops undefined and empty optional lists so that "absent" and "empty" compare equal. */
export function canonicalOrganization(o: Organization): Organization {
  return strip({ ...o, phones: o.phones?.length ? o.phones : undefined, services: o.services?.length ? o.services : undefined, autoAssign: o.autoAssign || undefined });
}

export function canonicalOfficial(o: Official): Official {
  return strip({ ...o, services: o.services?.length ? o.services : undefined });
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Validates records one by one (field problems) and together (unique ids and codes, references). */
export function validateRecords(records: DirectoryRecord[], state: DirectoryState): { valid: DirectoryRecord[]; problems: DirectoryProblem[] } {
  const problems: DirectoryProblem[] = [];
  const valid: DirectoryRecord[] = [];
  const seen = new Map<string, number | undefined>();
  for (const r of records) {
    const schema = r.entity === 'ORGANIZATION' ? organizationSchema : officialSchema;
    const parsed = schema.safeParse(r.entity === 'ORGANIZATION' ? r.organization : r.official);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line: r.line, field: issue.path.map(String).join('.') || undefined, message: issue.message });
      continue;
    }
    const key = `${r.entity}:${parsed.data.id}`;
    if (seen.has(key)) {
      problems.push({ line: r.line, field: 'id', message: `${parsed.data.id} appears twice (first on line ${seen.get(key) ?? '?'})` });
      continue;
    }
    seen.set(key, r.line);
    valid.push(r.entity === 'ORGANIZATION'
      ? { ...r, organization: canonicalOrganization(parsed.data as Organization) }
      : { ...r, official: canonicalOfficial(parsed.data as Official) });
  }
  // Cross-record rules, against the directory as it would be after the change.
  const orgs = new Map(state.organizations.map((o) => [o.id, o]));
  for (const r of valid) if (r.entity === 'ORGANIZATION') orgs.set(r.organization.id, r.organization);
  const codes = new Map<string, string>();
  for (const o of orgs.values()) {
    const other = codes.get(o.code);
    if (other && other !== o.id) {
      const r = valid.find((v) => v.entity === 'ORGANIZATION' && (v.organization.id === o.id || v.organization.id === other));
      problems.push({ line: r?.line, field: 'code', message: `code ${o.code} is used by both ${other} and ${o.id}` });
    }
    codes.set(o.code, o.id);
  }
  for (const r of valid) {
    if (r.entity === 'ORGANIZATION') {
      const o = r.organization;
      if (o.parentId && !orgs.has(o.parentId)) problems.push({ line: r.line, field: 'parentId', message: `no organization ${o.parentId}` });
      if (o.parentId && createsCycle(o.id, orgs)) problems.push({ line: r.line, field: 'parentId', message: `${o.id} would be its own parent` });
      for (const s of o.services ?? []) if (!state.serviceCodes.has(s)) problems.push({ line: r.line, field: 'services', message: `unknown service ${s}` });
    } else {
      const o = r.official;
      if (!orgs.has(o.organizationId)) problems.push({ line: r.line, field: 'organizationId', message: `no organization ${o.organizationId}` });
      for (const s of o.services ?? []) if (!state.serviceCodes.has(s)) problems.push({ line: r.line, field: 'services', message: `unknown service ${s}` });
    }
  }
  return { valid, problems };
}

function createsCycle(id: string, orgs: Map<string, Organization>): boolean {
  const seen = new Set<string>();
  for (let cur = orgs.get(id)?.parentId; cur; cur = orgs.get(cur)?.parentId) {
    if (cur === id || seen.has(cur)) return true;
    seen.add(cur);
  }
  return false;
}

const CORE_FIELDS = ['code', 'kind', 'name', 'region', 'parentId', 'acceptsComplaints'] as const;
const PROFILE_FIELDS = ['postalAddress', 'phones', 'email', 'webResource', 'workingHours', 'services', 'autoAssign'] as const;

function differing<T extends object>(before: T | undefined, after: T, fields: readonly string[]): string[] {
  return fields.filter((f) => JSON.stringify((before as Record<string, unknown> | undefined)?.[f]) !== JSON.stringify((after as Record<string, unknown>)[f]));
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex').slice(0, 32);

/**
 * What applying the (valid) records would change, with the events each change appends.
 * An event's id derives from the state before and after, so re-applying the same data
 * appends nothing and A → B → A publishes all three states.
 */
export function planChanges(valid: DirectoryRecord[], state: DirectoryState, correlationId: string, now = new Date()): DirectoryChange[] {
  const orgs = new Map(state.organizations.map((o) => [o.id, canonicalOrganization(o)]));
  const officials = new Map(state.officials.map((o) => [o.id, canonicalOfficial(o)]));
  const base = { source: 'routing' as const, correlationId, time: now };
  return valid.map((r): DirectoryChange => {
    if (r.entity === 'ORGANIZATION') {
      const before = orgs.get(r.organization.id);
      const after = r.organization;
      const core = differing(before, after, CORE_FIELDS);
      const profile = differing(before, after, PROFILE_FIELDS);
      const events: DirectoryEvent[] = [];
      if (!before || core.length) {
        const data = {
          organizationId: after.id,
          code: after.code,
          kind: after.kind,
          name: after.name,
          region: after.region,
          ...(after.parentId ? { parentId: after.parentId } : {}),
          acceptsComplaints: after.acceptsComplaints,
        };
        const prev = before ? pick(before, CORE_FIELDS) : null;
        events.push(createEvent({ ...base, type: 'organization.upserted', subject: after.id, id: deterministicUuid('organization.upserted', after.id, hash(prev), hash(pick(after, CORE_FIELDS))), data }));
      }
      if (!before || profile.length) {
        const data = {
          organizationId: after.id,
          ...(after.postalAddress ? { postalAddress: after.postalAddress } : {}),
          phones: after.phones ?? [],
          ...(after.email ? { email: after.email } : {}),
          ...(after.webResource ? { webResource: after.webResource } : {}),
          ...(after.workingHours ? { workingHours: after.workingHours } : {}),
          services: after.services ?? [],
          autoAssign: after.autoAssign ?? false,
        };
        const prev = before ? pick(before, PROFILE_FIELDS) : null;
        events.push(createEvent({ ...base, type: 'organization.profile-updated', subject: after.id, id: deterministicUuid('organization.profile-updated', after.id, hash(prev), hash(pick(after, PROFILE_FIELDS))), data }));
      }
      const fields = before ? [...core, ...profile] : Object.keys(after).filter((k) => k !== 'id');
      return { entity: 'ORGANIZATION', id: after.id, change: before ? (fields.length ? 'UPDATE' : 'UNCHANGED') : 'CREATE', fields, line: r.line, events, after };
    }
    const before = officials.get(r.official.id);
    const after = r.official;
    const all = ['organizationId', 'fullName', 'position', 'roles', 'active', 'absentUntil', 'services'];
    const fields = before ? differing(before, after, all) : Object.keys(after).filter((k) => k !== 'id');
    const events: DirectoryEvent[] = [];
    if (!before || fields.length) {
      events.push(
        createEvent({
          ...base,
          type: 'official.upserted',
          subject: after.id,
          id: deterministicUuid('official.upserted', after.id, hash(before ?? null), hash(after)),
          data: {
            officialId: after.id,
            organizationId: after.organizationId,
            fullName: after.fullName,
            position: after.position,
            roles: after.roles,
            active: after.active,
            ...(after.absentUntil ? { absentUntil: after.absentUntil } : {}),
            services: after.services ?? [],
          },
        }),
      );
    }
    return { entity: 'OFFICIAL', id: after.id, change: before ? (fields.length ? 'UPDATE' : 'UNCHANGED') : 'CREATE', fields, line: r.line, events, after };
  });
}

function pick<T extends object>(o: T, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (o as Record<string, unknown>)[f] ?? null]));
}

/** The seed file's shape (JSON): organizations and officials, each possibly marked invented. */
export interface DirectoryFile {
  organizations?: unknown[];
  officials?: unknown[];
}

/** Reads a JSON directory file into records, each with the line of its "id". */
export function recordsFromJson(content: string): { records: DirectoryRecord[]; problems: DirectoryProblem[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = /line (\d+)/.exec(message)?.[1] ?? (position ? String(content.slice(0, Number(position[1])).split('\n').length) : undefined);
    return { records: [], problems: [{ ...(line ? { line: Number(line) } : {}), message: `not valid JSON: ${message}` }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { records: [], problems: [{ line: 1, message: 'expected an object with "organizations" and "officials"' }] };
  }
  const file = parsed as DirectoryFile;
  const lineOfId = (id: unknown): number | undefined => {
    if (typeof id !== 'string') return undefined;
    const at = content.search(new RegExp(`"id"\\s*:\\s*"${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    return at < 0 ? undefined : content.slice(0, at).split('\n').length;
  };
  const records: DirectoryRecord[] = [];
  const problems: DirectoryProblem[] = [];
  for (const [key, entity] of [['organizations', 'ORGANIZATION'], ['officials', 'OFFICIAL']] as const) {
    const list = file[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ field: key, message: `"${key}" must be a list` });
      continue;
    }
    for (const item of list) {
      const { invented: _i, $comment: _c, ...rest } = (item ?? {}) as Record<string, unknown>;
      const line = lineOfId(rest.id);
      if (entity === 'ORGANIZATION') records.push({ line, entity, organization: rest as unknown as Organization });
      else records.push({ line, entity, official: { ...rest, active: rest.active ?? true } as unknown as Official });
    }
  }
  return { records, problems };
}

/** The CSV columns of a directory import (one file, a `type` column says which entity a row is). */
export const CSV_COLUMNS = [
  'type', 'id', 'organization_id', 'parent_id', 'code', 'kind', 'region', 'name_ru', 'name_kk', 'name_en',
  'full_name', 'position_ru', 'position_kk', 'position_en', 'roles', 'active', 'absent_until',
  'postal_address', 'phones', 'email', 'web_resource', 'working_hours_ru', 'working_hours_kk', 'working_hours_en',
  'services', 'accepts_complaints', 'auto_assign',
] as const;

/** Reads a CSV directory file: lists in a cell are separated by ";", booleans are true/false (да/нет, иә/жоқ). */
export function recordsFromCsv(content: string): { records: DirectoryRecord[]; problems: DirectoryProblem[] } {
  const { header, records: rows, problems: csvProblems } = parseCsv(content);
  const problems: DirectoryProblem[] = csvProblems.map((p) => ({ line: p.line, message: p.message }));
  if (header.length) {
    for (const required of ['type', 'id']) if (!header.includes(required)) problems.push({ line: 1, field: required, message: `the header has no column "${required}"` });
    for (const h of header) if (!(CSV_COLUMNS as readonly string[]).includes(h)) problems.push({ line: 1, field: h, message: `unknown column "${h}"` });
    if (problems.some((p) => p.line === 1)) return { records: [], problems };
  }
  const records: DirectoryRecord[] = [];
  for (const { line, values } of rows) {
    const v = (k: string) => (values[k] ?? '').trim() || undefined;
    const list = (k: string) => v(k)?.split(';').map((s) => s.trim()).filter(Boolean);
    const localized = (prefix: string) => (v(`${prefix}_ru`) || v(`${prefix}_kk`) || v(`${prefix}_en`) ? { ru: v(`${prefix}_ru`) ?? '', kk: v(`${prefix}_kk`) ?? '', en: v(`${prefix}_en`) ?? '' } : undefined);
    const bool = (k: string, fallback: boolean | undefined): boolean | undefined | 'bad' => {
      const raw = v(k)?.toLowerCase();
      if (raw === undefined) return fallback;
      if (['true', 'yes', '1', 'да', 'иә'].includes(raw)) return true;
      if (['false', 'no', '0', 'нет', 'жоқ'].includes(raw)) return false;
      return 'bad';
    };
    const type = v('type')?.toUpperCase();
    if (type === 'ORGANIZATION') {
      const accepts = bool('accepts_complaints', true);
      const auto = bool('auto_assign', undefined);
      if (accepts === 'bad') problems.push({ line, field: 'accepts_complaints', message: 'expected true or false' });
      if (auto === 'bad') problems.push({ line, field: 'auto_assign', message: 'expected true or false' });
      if (accepts === 'bad' || auto === 'bad') continue;
      records.push({
        line,
        entity: 'ORGANIZATION',
        organization: strip({
          id: v('id') ?? '',
          code: v('code') ?? '',
          kind: (v('kind') ?? '') as Organization['kind'],
          name: localized('name') ?? { ru: '', kk: '', en: '' },
          region: v('region') ?? '',
          parentId: v('parent_id'),
          postalAddress: v('postal_address'),
          phones: list('phones'),
          email: v('email'),
          webResource: v('web_resource'),
          workingHours: localized('working_hours'),
          services: list('services'),
          acceptsComplaints: accepts ?? true,
          autoAssign: auto,
        }),
      });
    } else if (type === 'OFFICIAL') {
      const active = bool('active', true);
      if (active === 'bad') {
        problems.push({ line, field: 'active', message: 'expected true or false' });
        continue;
      }
      records.push({
        line,
        entity: 'OFFICIAL',
        official: strip({
          id: v('id') ?? '',
          organizationId: v('organization_id') ?? '',
          fullName: v('full_name') ?? '',
          position: localized('position') ?? { ru: '', kk: '', en: '' },
          roles: (list('roles') ?? []).map((r) => r.toUpperCase()) as Official['roles'],
          active: active ?? true,
          absentUntil: v('absent_until'),
          services: list('services'),
        }),
      });
    } else {
      problems.push({ line, field: 'type', message: `type must be ORGANIZATION or OFFICIAL, not "${v('type') ?? ''}"` });
    }
  }
  return { records, problems };
}
