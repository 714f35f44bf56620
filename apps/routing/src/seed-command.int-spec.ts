import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '@shagym/contracts';
import { isolatedEnv, readTopic } from '@shagym/testing';
import { CSV_COLUMNS } from './domain/directory-changes';
import { runSeedCommand } from './seed-command';
import seed from './seed/directory.json';

/** `node dist/apps/routing/main.js seed [file] [--dry-run]`, run as a function against the real FerretDB and Kafka. */
describe('the seed command', () => {
  const iso = isolatedEnv('routingseed');
  const env = () => ({ ...iso.env, MONGO_DB: iso.dbName('routing'), PORT: '0' });
  let out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));

  beforeAll(async () => {
    await iso.createTopics();
  });

  afterAll(async () => {
    log.mockRestore();
    await iso.cleanup();
  });

  beforeEach(() => {
    out = [];
  });

  it('a dry run of the checked-in seed reports what it would create and writes nothing', async () => {
    expect(await runSeedCommand(['--dry-run'], env())).toBe(0);
    expect(out.join('\n')).toContain(`dry run — ${seed.organizations.length + seed.officials.length} to create, 0 to update, 0 unchanged`);
    expect(await runSeedCommand(['--dry-run'], env())).toBe(0);
    expect(out.at(-1)).toContain(`${seed.organizations.length + seed.officials.length} to create`);
  });

  it('loads the seed, publishes its events, and a second run changes and publishes nothing', async () => {
    expect(await runSeedCommand([], env())).toBe(0);
    const events = seed.organizations.length * 2 + seed.officials.length;
    expect(out.join('\n')).toContain(`${events} events published`);
    const published = (await readTopic(iso.topic('directory'), events)).map((m) => decodeEvent(m.value)).filter((d) => d.ok);
    expect(published).toHaveLength(events);
    out = [];
    expect(await runSeedCommand([], env())).toBe(0);
    expect(out.join('\n')).toContain(`0 to create, 0 to update, ${seed.organizations.length + seed.officials.length} unchanged`);
    expect(out.join('\n')).toContain('0 events published');
  });

  it('a CSV file with a bad row is refused with the row’s line, and nothing is applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routing-seed-'));
    const file = join(dir, 'directory.csv');
    const row = (v: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) => CSV_COLUMNS.map((c) => v[c] ?? '').join(',');
    writeFileSync(file, [
      CSV_COLUMNS.join(','),
      row({ type: 'OFFICIAL', id: 'off-new', organization_id: 'org-psc-aktau', full_name: 'Новая Сотрудница', position_ru: 'Менеджер', position_kk: 'Менеджер', position_en: 'Manager', roles: 'EXECUTOR' }),
      row({ type: 'OFFICIAL', id: 'off-bad', organization_id: 'org-psc-aktau', full_name: '', position_ru: 'М', position_kk: 'М', position_en: 'M', roles: 'EXECUTOR' }),
    ].join('\n'));
    expect(await runSeedCommand([file], env())).toBe(1);
    expect(out.join('\n')).toMatch(/NOT applied[\s\S]*line 3 fullName/);
    out = [];
    expect(await runSeedCommand([file.replace('.csv', '-missing.csv')], env()).catch((e: Error) => e.message)).toMatch(/ENOENT/);
  });
});
