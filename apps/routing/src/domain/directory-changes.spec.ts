import seed from '../seed/directory.json';
import { parseCsv } from './csv';
import { CSV_COLUMNS, recordsFromCsv, recordsFromJson, type DirectoryEvent } from './directory-changes';
import type { Official, Organization } from './directory';
import { DirectoryService } from './directory-service';

function memoryDirectory(organizations: Organization[] = [], officials: Official[] = []) {
  const orgs = new Map(organizations.map((o) => [o.id, o]));
  const offs = new Map(officials.map((o) => [o.id, o]));
  const events: DirectoryEvent[] = [];
  const service = new DirectoryService({
    state: async () => ({ organizations: [...orgs.values()], officials: [...offs.values()], serviceCodes: new Set(seed.services.map((s) => s.code)) }),
    saveOrganization: async (o) => void orgs.set(o.id, o),
    saveOfficial: async (o) => void offs.set(o.id, o),
    emit: async (e) => {
      if (events.some((x) => x.id === e.id)) return { status: 'duplicate' };
      events.push(e);
      return { status: 'appended' };
    },
  });
  return { service, orgs, offs, events };
}

const header = CSV_COLUMNS.join(',');
const row = (values: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) => CSV_COLUMNS.map((c) => values[c] ?? '').join(',');
const pscRow = row({
  type: 'ORGANIZATION', id: 'org-psc-test', parent_id: '', code: 'PSCTST', kind: 'PSC', region: 'MANGYSTAU',
  name_ru: 'ЦОН тестовый', name_kk: 'Тест ХҚКО', name_en: 'Test PSC', phones: '8-(7292) 111111;8-(7292) 222222',
  postal_address: '"Актау, 1 микрорайон, здание 1"', services: 'residence-registration', accepts_complaints: 'true', auto_assign: 'да',
});
const headRow = row({
  type: 'OFFICIAL', id: 'off-test-head', organization_id: 'org-psc-test', full_name: 'Тестова Айгуль Нурлановна',
  position_ru: 'Руководитель ЦОН', position_kk: 'ХҚКО басшысы', position_en: 'Head of the PSC', roles: 'HEAD', active: 'true',
});

describe('the seed file', () => {
  it('is a valid directory: every record passes the import’s validation', async () => {
    const { records, problems } = recordsFromJson(JSON.stringify(seed, null, 2));
    expect(problems).toEqual([]);
    const report = await memoryDirectory().service.apply(records, { dryRun: true, correlationId: 't' });
    expect(report.problems).toEqual([]);
    expect(report.created).toBe(seed.organizations.length + seed.officials.length);
  });

  it('keeps the organizations and officials the tests rely on, with auto-assignment on for the two PSCs', () => {
    const org = (id: string) => seed.organizations.find((o) => o.id === id) as { code: string; autoAssign?: boolean } | undefined;
    expect(org('org-psc-aktau')).toMatchObject({ code: 'PSCAKT', autoAssign: true });
    expect(org('org-psc-zhanaozen')).toMatchObject({ code: 'PSCZHO', autoAssign: true });
    expect(org('org-mdai')).toBeDefined();
    expect(seed.officials.find((o) => o.id === 'off-aktau-head')).toMatchObject({ fullName: 'Утепова Гульнара Сериковна', roles: ['HEAD'] });
  });

  it('holds the contacts as data: 1414 (R10) and the Mangystau akimat department (R15)', () => {
    expect(seed.contactCenters.map((c) => c.phone)).toContain('1414');
    expect(seed.organizations.find((o) => o.kind === 'AKIMAT_DEPARTMENT' && o.region === 'MANGYSTAU')).toMatchObject({
      phones: ['8-(7292) 312863'],
      postalAddress: 'Актау, 14 микрорайон, здание 1',
    });
  });
});

describe('bulk import', () => {
  it('a dry run reports what would change and changes nothing', async () => {
    const dir = memoryDirectory();
    const { records, problems } = recordsFromCsv([header, pscRow, headRow].join('\n'));
    const report = await dir.service.apply(records, { dryRun: true, correlationId: 't', problems });
    expect(report).toMatchObject({ dryRun: true, applied: false, created: 2, updated: 0, problems: [] });
    expect(report.changes.map((c) => [c.entity, c.id, c.change, c.line])).toEqual([
      ['ORGANIZATION', 'org-psc-test', 'CREATE', 2],
      ['OFFICIAL', 'off-test-head', 'CREATE', 3],
    ]);
    expect(dir.orgs.size + dir.offs.size + dir.events.length).toBe(0);
  });

  it('applies, publishes one event per changed part, and re-applying the same file changes nothing', async () => {
    const dir = memoryDirectory();
    const csv = [header, pscRow, headRow].join('\r\n');
    const first = await dir.service.apply(recordsFromCsv(csv).records, { dryRun: false, correlationId: 't' });
    expect(first).toMatchObject({ applied: true, created: 2, published: 3 });
    expect(dir.events.map((e) => e.type)).toEqual(['organization.upserted', 'organization.profile-updated', 'official.upserted']);
    expect(dir.orgs.get('org-psc-test')).toMatchObject({ phones: ['8-(7292) 111111', '8-(7292) 222222'], autoAssign: true, postalAddress: 'Актау, 1 микрорайон, здание 1' });
    const again = await dir.service.apply(recordsFromCsv(csv).records, { dryRun: false, correlationId: 't' });
    expect(again).toMatchObject({ applied: true, unchanged: 2, published: 0 });
  });

  it('an update names the changed fields and publishes only the part that changed', async () => {
    const dir = memoryDirectory();
    await dir.service.apply(recordsFromCsv([header, pscRow].join('\n')).records, { dryRun: false, correlationId: 't' });
    const moved = pscRow.replace('"Актау, 1 микрорайон, здание 1"', '"Актау, 2 микрорайон, здание 5"');
    const report = await dir.service.apply(recordsFromCsv([header, moved].join('\n')).records, { dryRun: false, correlationId: 't' });
    expect(report.changes[0]).toMatchObject({ change: 'UPDATE', fields: ['postalAddress'] });
    expect(dir.events.map((e) => e.type)).toEqual(['organization.upserted', 'organization.profile-updated', 'organization.profile-updated']);
  });

  it('a malformed file is reported line by line and nothing is applied', async () => {
    const dir = memoryDirectory();
    const csv = [
      header,
      pscRow,
      row({ type: 'ORGANIZATION', id: 'org-bad', code: 'bad code', kind: 'PSC', region: 'ATLANTIS', name_ru: 'x', name_kk: 'x', name_en: 'x' }),
      row({ type: 'OFFICIAL', id: 'off-orphan', organization_id: 'org-nowhere', full_name: 'Кто-то', position_ru: 'a', position_kk: 'b', position_en: 'c', roles: 'BOSS' }),
      'ORGANIZATION,org-short',
      row({ type: 'DEPARTMENT', id: 'x' }),
      row({ type: 'OFFICIAL', id: 'off-test-head', organization_id: 'org-psc-test', full_name: 'Y', position_ru: 'a', position_kk: 'b', position_en: 'c', roles: 'HEAD', active: 'maybe' }),
      headRow,
    ].join('\n');
    const { records, problems } = recordsFromCsv(csv);
    const report = await dir.service.apply(records, { dryRun: false, correlationId: 't', problems });
    expect(report.applied).toBe(false);
    expect(report.changes).toEqual([]);
    const byLine = (line: number) => report.problems.filter((p) => p.line === line).map((p) => p.field ?? p.message);
    expect(byLine(3)).toEqual(expect.arrayContaining(['code', 'region']));
    expect(byLine(4)).toEqual(expect.arrayContaining(['roles.0']));
    expect(byLine(5)).toEqual([expect.stringMatching(/expected 27 values/)]);
    expect(byLine(6)).toEqual(['type']);
    expect(byLine(7)).toEqual(['active']);
    expect(report.problems.every((p) => p.line !== 2 && p.line !== 8)).toBe(true);
    expect(dir.orgs.size + dir.offs.size + dir.events.length).toBe(0);
  });

  it('reports an official whose organization is missing, and a code already used by another organization', async () => {
    const dir = memoryDirectory();
    await dir.service.apply(recordsFromCsv([header, pscRow].join('\n')).records, { dryRun: false, correlationId: 't' });
    const clash = pscRow.replace('org-psc-test', 'org-psc-other');
    const orphan = headRow.replace(',org-psc-test,', ',org-missing,');
    const { records } = recordsFromCsv([header, clash, orphan].join('\n'));
    const report = await dir.service.apply(records, { dryRun: true, correlationId: 't' });
    expect(report.problems).toEqual([
      { line: 2, field: 'code', message: 'code PSCTST is used by both org-psc-test and org-psc-other' },
      { line: 3, field: 'organizationId', message: 'no organization org-missing' },
    ]);
  });

  it('a JSON file that is not JSON is reported with its line', () => {
    const { problems } = recordsFromJson('{\n  "organizations": [\n    { "id": "org-x", }\n  ]\n}');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/not valid JSON/) });
  });

  it('JSON records carry the line of their id', async () => {
    const content = JSON.stringify({ organizations: [{ id: 'org-x', code: 'x' }] }, null, 2);
    const { records } = recordsFromJson(content);
    const report = await memoryDirectory().service.apply(records, { dryRun: true, correlationId: 't' });
    expect(report.problems[0]).toMatchObject({ line: 4 });
  });
});

describe('CSV reading', () => {
  it('handles quotes, doubled quotes, commas and line breaks inside quotes, and counts lines', () => {
    const { records, problems } = parseCsv('a,b\n"x, ""y""","multi\nline"\nlast,1\n');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 2, values: { a: 'x, "y"', b: 'multi\nline' } },
      { line: 4, values: { a: 'last', b: '1' } },
    ]);
  });

  it('reports an unclosed quote', () => {
    expect(parseCsv('a,b\n"x,1\n').problems).toContainEqual({ line: 2, message: 'a quoted value is not closed' });
  });
});
