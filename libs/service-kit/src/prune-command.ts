import type { Connection } from 'mongoose';
import type { BaseConfig } from './config';
import { DeadLetterMarks } from './dead-letters';
import { Inbox } from './inbox';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { connectMongo } from './mongo';
import { createKafka } from './kafka';
import { brokerRedeliveryWindow, effectiveInboxHorizonMs } from './redelivery-window';
import { ageRule, HOUR_MS, RetentionJob, type RetentionRule } from './retention';

/**
 * The rules every service has (DEVELOPERS.md, "Retention"): processed-event ids and
 * dead-letter markers, once no message they guard against can be delivered again. With
 * `redeliveryWindow` (the broker's, redelivery-window.ts) the configured horizon is checked at
 * every run: raised to the broker's window when that is longer, and nothing is pruned when the
 * broker keeps messages for ever or cannot be asked. Without it (tests), the configured horizon.
 */
export function baseRetentionRules(
  config: BaseConfig,
  inbox: Inbox,
  marks: DeadLetterMarks,
  redeliveryWindow?: () => Promise<number>,
): RetentionRule[] {
  const configured = config.RETENTION_INBOX_HOURS * HOUR_MS;
  let horizon = configured;
  const begin = async (): Promise<string | null> => {
    if (!redeliveryWindow) return null;
    let window: number;
    try {
      window = await redeliveryWindow();
    } catch (err) {
      return `the broker's retention is unknown (${err instanceof Error ? err.message : String(err)})`;
    }
    const effective = effectiveInboxHorizonMs(configured, window);
    if (effective === null) return 'a topic keeps its messages for ever (retention.ms -1 or compaction)';
    horizon = effective;
    return null;
  };
  return [
    { ...ageRule('inbox', inbox.model, 'processedAt', () => horizon), begin },
    { ...ageRule('dead_letter_marks', marks.model, 'markedAt', () => horizon), begin },
  ];
}

const USAGE = `usage: node dist/apps/<service>/main.js prune   (or: npm run prune -- <service>)
  Runs the retention job once on the service's database (the same rules as its hourly timer),
  prints what each rule scanned and deleted, and exits. Safe beside running instances.`;

/**
 * The `prune` command of every service: the retention job once, outside the service (an
 * operator's run, or a cron job where the timer is turned off). Exit code 0 when every rule
 * ran, 1 when one failed.
 */
export async function runPruneCommand<Cfg extends BaseConfig>(
  args: string[],
  config: Cfg,
  serviceRules: (db: Connection, config: Cfg) => RetentionRule<any>[],
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const logger = createLogger(`${config.SERVICE_NAME}-prune`, config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const db = await connectMongo(config.MONGO_URL, config.MONGO_DB, logger);
  try {
    const kafka = createKafka(`shagym-${config.SERVICE_NAME}-prune`, config.KAFKA_BROKERS, logger);
    const window = brokerRedeliveryWindow(kafka, config.KAFKA_TOPIC_PREFIX);
    const rules = [...baseRetentionRules(config, new Inbox(db), new DeadLetterMarks(db), window), ...serviceRules(db, config)];
    const job = new RetentionJob(rules, { logger, metrics: createMetrics(`${config.SERVICE_NAME}-prune`), batchSize: config.RETENTION_BATCH_SIZE });
    const report = await job.runOnce();
    const lines = [`${config.SERVICE_NAME} (${config.MONGO_DB}): retention run`];
    for (const [name, r] of Object.entries(report)) {
      const what = r.scanned < 0 ? 'FAILED (see the log)' : r.skipped ? `skipped: ${r.skipped}` : `${r.scanned} scanned, ${r.pruned} deleted`;
      lines.push(`  ${name.padEnd(28)} ${what}`);
    }
    console.log(lines.join('\n'));
    return Object.values(report).some((r) => r.scanned < 0) ? 1 : 0;
  } finally {
    db.removeAllListeners('disconnected');
    await db.close();
  }
}

/** A command's entry point: exit with its code, or 1 with the stack when it throws. */
export function runCommand(run: () => Promise<number>): void {
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exit(1);
    },
  );
}
