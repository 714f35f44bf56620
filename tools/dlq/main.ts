import { userInfo } from 'node:os';
import mongoose from 'mongoose';
import { Partitioners } from 'kafkajs';
import { mongoOptions } from '@shagym/service-kit';
import { formatList, formatShow, parseArgs, redriveState, USAGE, UsageError, type Command, type RedriveRecord, type StoredLetter } from './letters';
import { dlqKafka, findLetter, LetterNotFound, readLetters, RedriveLog, RedriveRefused, redrive } from './queue';

/**
 * `npm run dlq -- list | show <id> | redrive <id>…|--all [--service X] [--json]`.
 * Settings as the services read them (defaults as in .env.example). Exit codes: 0 done,
 * 1 failure, 2 usage, 3 refused or not found (for --all: at least one letter refused).
 */
export interface DlqSettings {
  brokers: string[];
  topicPrefix: string;
  mongoUrl: string;
  mongoDb: string;
  by: string;
}

export function settingsFrom(env: NodeJS.ProcessEnv): DlqSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean),
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    mongoUrl: env.MONGO_URL ?? 'mongodb://127.0.0.1:27027/',
    mongoDb: env.DLQ_MONGO_DB ?? 'shagym_dlq',
    by: env.DLQ_OPERATOR ?? safeUser(),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Runs one command; returns the exit code (what the tests call, without a child process). */
export async function runDlq(argv: readonly string[], settings: DlqSettings, io: Output): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (cmd.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  const kafka = dlqKafka(settings.brokers);
  const conn = await mongoose.createConnection(settings.mongoUrl, mongoOptions(settings.mongoDb)).asPromise();
  try {
    const log = new RedriveLog(conn);
    await log.ensure();
    const service = cmd.kind === 'show' ? undefined : cmd.service;
    const letters = await readLetters(kafka, settings.topicPrefix, service);
    if (cmd.kind === 'list') {
      const records = await log.of(letters.map((l) => l.id));
      io.out(cmd.json ? JSON.stringify(letters.map((l) => asJson(l, records.get(l.id))), null, 2) : formatList(letters, records));
      return 0;
    }
    if (cmd.kind === 'show') {
      const l = findLetter(letters, cmd.id);
      const record = (await log.get(l.id)) ?? undefined;
      io.out(cmd.json ? JSON.stringify(asJson(l, record), null, 2) : formatShow(l, record));
      return 0;
    }
    return await redriveCommand(cmd, letters, log, settings, kafka, io);
  } catch (err) {
    if (err instanceof LetterNotFound || err instanceof RedriveRefused) {
      io.err(err.message);
      return 3;
    }
    throw err;
  } finally {
    await conn.close();
  }
}

async function redriveCommand(
  cmd: Extract<Command, { kind: 'redrive' }>,
  letters: StoredLetter[],
  log: RedriveLog,
  settings: DlqSettings,
  kafka: ReturnType<typeof dlqKafka>,
  io: Output,
): Promise<number> {
  // --all takes what has no redrive record yet; named ids are taken as asked (and refused if redriven).
  const records = cmd.all ? await log.of(letters.map((l) => l.id)) : new Map<string, RedriveRecord>();
  const chosen = cmd.all ? letters.filter((l) => !records.has(l.id)) : cmd.ids.map((id) => findLetter(letters, id));
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const results: Array<{ id: string; redriven: boolean; detail: string }> = [];
  try {
    for (const l of chosen) {
      try {
        const record = await redrive(l, producer, log, settings.by);
        results.push({ id: l.id, redriven: true, detail: redriveState(record) });
      } catch (err) {
        if (!(err instanceof RedriveRefused)) throw err;
        results.push({ id: l.id, redriven: false, detail: err.message });
      }
    }
  } finally {
    await producer.disconnect();
  }
  if (cmd.json) io.out(JSON.stringify(results, null, 2));
  else {
    for (const r of results) (r.redriven ? io.out : io.err)(r.redriven ? `${r.id}: ${r.detail}` : r.detail);
    if (!results.length) io.out('nothing to redrive');
  }
  return results.some((r) => !r.redriven) ? 3 : 0;
}

function asJson(l: StoredLetter, record: RedriveRecord | undefined): object {
  return { id: l.id, at: l.at, letter: l.letter, redrive: record ?? null };
}

if (require.main === module) {
  runDlq(process.argv.slice(2), settingsFrom(process.env), { out: (t) => console.log(t), err: (t) => console.error(t) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exit(1);
    },
  );
}
