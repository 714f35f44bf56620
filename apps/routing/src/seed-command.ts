import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connectMongo, connectProducer, createKafka, createLogger, ensureIndexes, ensureTopics, EventLog, createMetrics, OutboxRelay } from '@shagym/service-kit';
import { directoryParts, loadRoutingConfig, SEED_JSON } from './app';
import { recordsFromCsv } from './domain/directory-changes';
import type { DirectoryReport } from './domain/directory-service';
import { loadSeed } from './domain/seed';

const USAGE = `usage: node dist/apps/routing/main.js seed [file.json|file.csv] [--dry-run]
  Loads the organizations directory (default: the seed checked in as apps/routing/src/seed/directory.json)
  into routing's database and publishes the organization.* / official.* events of what changed.
  --dry-run  report what would change and change nothing.`;

/**
 * The `seed` command: loads a directory file with the same validation as the bulk import
 * (bad rows reported by line, nothing half-applied), appends the events and publishes them.
 * Exit code 0 when applied (or a clean dry run), 1 when the file has problems.
 */
export async function runSeedCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const dryRun = args.includes('--dry-run');
  const file = args.find((a) => !a.startsWith('--'));
  const content = file ? readFileSync(file, 'utf8') : SEED_JSON;
  const config = loadRoutingConfig(env);
  const logger = createLogger('routing-seed', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const db = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
  const kafka = createKafka('shagym-routing-seed', config.KAFKA_BROKERS, logger);
  const producer = dryRun ? null : await connectProducer(kafka);
  try {
    const log = new EventLog(db);
    const { directory, changes } = directoryParts(db, (e) => log.append(e));
    await ensureIndexes([log.model, ...directory.models]);
    const correlationId = `seed-${randomUUID()}`;
    let report: DirectoryReport;
    if (file?.toLowerCase().endsWith('.csv')) {
      const { records, problems } = recordsFromCsv(content);
      report = await changes.apply(records, { dryRun, correlationId, problems });
    } else {
      report = await loadSeed(content, directory, changes, { dryRun, correlationId });
    }
    if (producer) {
      await ensureTopics(kafka, config.KAFKA_TOPIC_PREFIX, logger);
      const relay = new OutboxRelay(log, producer, config.KAFKA_TOPIC_PREFIX, logger, createMetrics('routing-seed'), 100);
      while ((await relay.publishPending()) > 0);
    }
    printReport(report, file ?? 'apps/routing/src/seed/directory.json');
    return report.problems.length ? 1 : 0;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    db.removeAllListeners('disconnected');
    await db.close();
  }
}

function printReport(report: DirectoryReport, file: string): void {
  const lines = [`${file}: ${report.dryRun ? 'dry run' : report.applied ? 'applied' : 'NOT applied'} — ${report.created} to create, ${report.updated} to update, ${report.unchanged} unchanged`];
  for (const c of report.changes.filter((c) => c.change !== 'UNCHANGED')) {
    lines.push(`  ${c.change.padEnd(6)} ${c.entity.toLowerCase()} ${c.id}${c.change === 'UPDATE' ? ` (${c.fields.join(', ')})` : ''}`);
  }
  for (const p of report.problems) lines.push(`  line ${p.line ?? '?'}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
  if (!report.dryRun && report.applied) lines.push(`  ${report.published} events published`);
  console.log(lines.join('\n'));
}
