#!/usr/bin/env node
// Local infrastructure for development and tests, without Docker:
//   - Apache Kafka (single node, KRaft: broker + controller in one JVM), jars from Maven Central
//     via tools/infra/kafka/pom.xml;
//   - FerretDB 1.24 (MongoDB wire protocol on SQLite), our own small Go program in
//     tools/infra/ferretdb/, built once and cached.
//
// CLI:  node tools/infra/infra.mjs up|down|status
// API:  import { up, down, status } from './tools/infra/infra.mjs'
//
// See tools/infra/README.md for ports, environment variables and where data lives.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const KAFKA_DIR = path.join(HERE, 'kafka');
const FERRETDB_SRC = path.join(HERE, 'ferretdb');
const TAIL_LINES = 30;
const STOP_TIMEOUT_MS = 20_000;
const HAS_PROC = fs.existsSync('/proc/self/stat');
const LOCK_STALE_MS = 20 * 60_000; // longer than the slowest first run (Go build + jar download)
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

// ---------------------------------------------------------------------------------------------
// configuration

function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`[infra] ${name} must be a positive integer, got "${raw}"`);
  return n;
}

function kafkaVersion() {
  const pom = fs.readFileSync(path.join(KAFKA_DIR, 'pom.xml'), 'utf8');
  const m = pom.match(/<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/);
  if (!m) throw new Error('[infra] cannot find <kafka.version> in tools/infra/kafka/pom.xml');
  return m[1];
}

const LOOPBACK = ['127.0.0.1', 'localhost'];

function isLocalKafka(brokers, port) {
  if (!brokers) return false;
  const list = splitBrokers(brokers);
  return list.length === 1 && LOOPBACK.some((h) => list[0] === `${h}:${port}`);
}

function isLocalMongo(url, port) {
  const m = url?.match(/^mongodb:\/\/([^/?@]+)(?:[/?]|$)/); // no credentials, no +srv
  return Boolean(m) && LOOPBACK.some((h) => m[1] === `${h}:${port}`);
}

/** Resolved settings; env is read on every call so tests may change it between calls. */
export function config(opts = {}) {
  const dataDir = path.resolve(opts.dataDir ?? (process.env.INFRA_DATA_DIR || path.join(REPO_ROOT, '.data')));
  const readyOverride = opts.readyTimeoutMs ?? envInt('INFRA_READY_TIMEOUT_MS', 0);
  const kafkaPort = opts.kafkaPort ?? envInt('INFRA_KAFKA_PORT', 19092);
  const kafkaControllerPort = opts.kafkaControllerPort ?? envInt('INFRA_KAFKA_CONTROLLER_PORT', 19093);
  const mongoPort = opts.mongoPort ?? envInt('INFRA_MONGO_PORT', 27027);
  if (kafkaPort === kafkaControllerPort) throw new Error('[infra] INFRA_KAFKA_PORT and INFRA_KAFKA_CONTROLLER_PORT must differ');
  // KAFKA_BROKERS / MONGO_URL pointing at exactly the address we manage are not "external": the
  // test set-up exports what up() returned, and its teardown must still be able to stop it.
  const externalKafka = isLocalKafka(process.env.KAFKA_BROKERS, kafkaPort) ? '' : process.env.KAFKA_BROKERS || '';
  const externalMongo = isLocalMongo(process.env.MONGO_URL, mongoPort) ? '' : process.env.MONGO_URL || '';
  const say = opts.quiet ? () => {} : (msg) => process.stderr.write(`[infra] ${msg}\n`);
  return {
    say,
    repoRoot: REPO_ROOT,
    dataDir,
    runDir: path.join(dataDir, 'run'),
    logDir: path.join(dataDir, 'logs'),
    cacheDir: path.join(dataDir, 'cache'),
    kafka: {
      name: 'kafka',
      say,
      external: externalKafka,
      port: kafkaPort,
      controllerPort: kafkaControllerPort,
      address: externalKafka || `127.0.0.1:${kafkaPort}`,
      readyTimeoutMs: readyOverride || 120_000,
      dir: path.join(dataDir, 'kafka'),
      logsDir: path.join(dataDir, 'kafka', 'logs'),
      propsFile: path.join(dataDir, 'kafka', 'server.properties'),
      clusterIdFile: path.join(dataDir, 'kafka', 'cluster-id'),
      libsDir: path.join(dataDir, 'cache', 'kafka-libs'),
      log4j: path.join(KAFKA_DIR, 'log4j.properties'),
      logFile: path.join(dataDir, 'logs', 'kafka.log'),
      pidFile: path.join(dataDir, 'run', 'kafka.pid'),
      marker: 'kafka.Kafka',
    },
    mongo: {
      name: externalMongo ? 'mongo' : 'ferretdb',
      say,
      external: externalMongo,
      port: mongoPort,
      address: externalMongo ? redact(externalMongo) : `127.0.0.1:${mongoPort}`,
      url: externalMongo || `mongodb://127.0.0.1:${mongoPort}/`,
      readyTimeoutMs: readyOverride || 60_000,
      dataDir: path.join(dataDir, 'ferretdb'),
      binary: path.join(dataDir, 'cache', 'bin', process.platform === 'win32' ? 'ferretdb.exe' : 'ferretdb'),
      logFile: path.join(dataDir, 'logs', 'ferretdb.log'),
      pidFile: path.join(dataDir, 'run', 'ferretdb.pid'),
      marker: 'ferretdb',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// small helpers

/** Hide the password of a connection string before printing it. */
const redact = (url) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
/** A path as short as possible for messages: relative to cwd when inside it. */
const shown = (file) => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

function mkdirs(...dirs) {
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
}

function tail(file, n = TAIL_LINES) {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n).join('\n');
  } catch {
    return '(log file is missing)';
  }
}

function failWithLog(component, reason, logFile) {
  const err = new Error(
    `[infra] ${component}: ${reason}\n` +
      `[infra] log file: ${logFile}\n` +
      `[infra] last ${TAIL_LINES} lines:\n${tail(logFile)}`,
  );
  err.logFile = logFile;
  return err;
}

/** Process exists and is not a zombie (containers without an init may not reap orphans). */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !HAS_PROC; // gone in the meantime, or no /proc at all (macOS): trust kill(0)
  }
}

/** Alive and (where /proc exists) really our program, not a recycled pid. */
function isOurs(pid, marker) {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

function readPid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid recorded for a component if that process is still ours; stale pid files are removed. */
function livePid(c) {
  const pid = readPid(c.pidFile);
  if (pid && isOurs(pid, c.marker)) return pid;
  if (fs.existsSync(c.pidFile)) {
    fs.rmSync(c.pidFile, { force: true });
    if (pid) c.say(`${c.name}: removed stale pid file (pid ${pid} is gone)`);
  }
  return null;
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Run a command to completion, collecting its output (async, so other work keeps going). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ status: null, error, output: '' });
      return;
    }
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    let error = null;
    child.once('error', (e) => (error = e));
    child.once('close', (status) => resolve({ status, error, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

const lastLines = (text, n = TAIL_LINES) => text.trim().split('\n').slice(-n).join('\n');

function rotateLog(file) {
  try {
    if (fs.statSync(file).size > 0) fs.renameSync(file, `${file}.1`);
  } catch {
    /* no previous log */
  }
}

/** Start a detached process writing stdout+stderr to logFile; the pid file is written at once. */
function startDetached(c, cmd, args, cwd) {
  rotateLog(c.logFile);
  fs.writeFileSync(c.logFile, `# ${new Date().toISOString()} infra.mjs: ${cmd} ${args.join(' ')}\n`);
  const fd = fs.openSync(c.logFile, 'a');
  let child;
  try {
    child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd], env: process.env });
  } finally {
    fs.closeSync(fd);
  }
  const state = { exited: false, code: null, signal: null, spawnError: null };
  child.once('error', (e) => Object.assign(state, { exited: true, spawnError: e }));
  child.once('exit', (code, signal) => Object.assign(state, { exited: true, code, signal }));
  child.unref();
  if (child.pid) fs.writeFileSync(c.pidFile, `${child.pid}\n`);
  return { pid: child.pid, state };
}

/** Poll probe() until true; fail on timeout or when the process we started dies. */
async function waitReady(c, probe, { pid, state, timeoutMs }) {
  const t0 = Date.now();
  for (;;) {
    if (state?.spawnError) throw failWithLog(c.name, `could not start: ${state.spawnError.message}`, c.logFile);
    if (state?.exited || (pid && !isAlive(pid))) {
      fs.rmSync(c.pidFile, { force: true });
      const how = state?.signal ? `signal ${state.signal}` : `code ${state?.code ?? '?'}`;
      throw failWithLog(c.name, `process exited early (${how})`, c.logFile);
    }
    if (await probe()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) {
      const err = failWithLog(
        c.name,
        `not ready after ${secs(timeoutMs)} (raise INFRA_READY_TIMEOUT_MS if the machine is slow)` +
          (state && pid ? `; stopped the process it had started (pid ${pid})` : ''),
        c.logFile,
      );
      if (state && pid) await stopOne(c); // a half-started process helps nobody; the log is kept
      throw err;
    }
    await sleep(300);
  }
}

// ---------------------------------------------------------------------------------------------
// probes (kafkajs / mongoose are imported lazily so that `down` stays cheap)

function splitBrokers(list) {
  return list
    .split(',')
    .map((s) => s.trim().replace(/^[a-z]+:\/\//i, ''))
    .filter(Boolean);
}

function hostPort(addr, defPort) {
  const m = addr.match(/^\[?([^\]]+?)\]?(?::(\d+))?$/);
  return { host: m?.[1] ?? addr, port: Number(m?.[2] ?? defPort) };
}

async function kafkaAnswers(brokers, timeoutMs = 4000) {
  const list = splitBrokers(brokers);
  // cheap TCP check first: kafkajs would otherwise spend its connection timeout on a closed port
  const open = await Promise.all(list.map((b) => hostPort(b, 9092)).map(({ host, port }) => tcpOpen(host, port)));
  if (!open.some(Boolean)) return false;
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers: list,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const info = await admin.describeCluster();
    return info.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function withMongoParams(url) {
  const [base, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  const singleHost = !base.startsWith('mongodb+srv:') && !base.replace(/^mongodb:\/\/([^@/]*@)?/, '').split('/')[0].includes(',');
  if (singleHost && !params.has('directConnection')) params.set('directConnection', 'true');
  if (!params.has('retryWrites')) params.set('retryWrites', 'false');
  const b = base.includes('/', 'mongodb://'.length) || base.startsWith('mongodb+srv:') ? base : `${base}/`;
  return `${b}?${params}`;
}

async function mongoAnswers(url, timeoutMs = 3000) {
  if (!url.startsWith('mongodb+srv:')) {
    const first = url.replace(/^mongodb:\/\/([^@/]*@)?/, '').split(/[/?,]/)[0];
    const { host, port } = hostPort(first, 27017);
    if (!(await tcpOpen(host, port))) return false;
  }
  const mongoose = (await import('mongoose')).default;
  const conn = mongoose.createConnection(withMongoParams(url), {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    autoIndex: false,
    autoCreate: false,
    bufferCommands: false,
  });
  try {
    await conn.asPromise();
    const res = await conn.db.admin().ping();
    return res?.ok === 1;
  } catch {
    return false;
  } finally {
    await conn.close(true).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka

async function ensureKafkaLibs(k) {
  const version = kafkaVersion();
  const marker = path.join(k.libsDir, `kafka_2.13-${version}.jar`);
  if (fs.existsSync(marker)) return;
  k.say(`kafka: resolving Kafka ${version} jars from Maven Central into ${k.libsDir} (first time only)…`);
  const t0 = Date.now();
  // resolve into a fresh folder and swap it in, so an interrupted run never leaves half a classpath
  const tmp = `${k.libsDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const res = await run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      path.join(KAFKA_DIR, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ],
    { cwd: REPO_ROOT },
  );
  if (res.error || res.status !== 0 || !fs.existsSync(path.join(tmp, `kafka_2.13-${version}.jar`))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const out = lastLines(res.output);
    throw new Error(
      `[infra] kafka: resolving jars with Maven failed (${res.error ? res.error.message : `exit ${res.status}`}). ` +
        `Is \`mvn\` on PATH and Maven Central reachable?\n${out}`,
    );
  }
  fs.rmSync(k.libsDir, { recursive: true, force: true });
  fs.renameSync(tmp, k.libsDir);
  k.say(`kafka: jars resolved in ${secs(Date.now() - t0)}`);
}

/** Kafka's Uuid format: 16 random bytes, base64url without padding (22 chars), not starting with '-'. */
function newClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function clusterId(k) {
  try {
    const id = fs.readFileSync(k.clusterIdFile, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{22}$/.test(id)) return id;
  } catch {
    /* not yet generated */
  }
  // storage formatted earlier but the id file lost: keep the id the storage already carries
  let id;
  try {
    id = fs.readFileSync(path.join(k.logsDir, 'meta.properties'), 'utf8').match(/^cluster\.id=(.+)$/m)?.[1]?.trim();
  } catch {
    /* not formatted */
  }
  id ||= newClusterId();
  fs.writeFileSync(k.clusterIdFile, `${id}\n`);
  return id;
}

function writeServerProperties(k) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${k.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${k.port},CONTROLLER://127.0.0.1:${k.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${k.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': k.logsDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': false,
    'delete.topic.enable': true,
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.retention.hours': 168,
    'log.retention.bytes': 256 * 1024 * 1024,
    'log.retention.check.interval.ms': 300_000,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
  };
  const text =
    '# Generated by tools/infra/infra.mjs on every `up`; edits are overwritten.\n' +
    Object.entries(props)
      .map(([key, v]) => `${key}=${v}`)
      .join('\n') +
    '\n';
  fs.writeFileSync(k.propsFile, text);
}

function javaBase(k) {
  return [
    '-cp',
    path.join(k.libsDir, '*'), // expanded by java itself (no shell involved)
    `-Dlog4j.configuration=file:${k.log4j}`,
    '-Djava.awt.headless=true',
  ];
}

async function formatStorage(k, id) {
  if (fs.existsSync(path.join(k.logsDir, 'meta.properties'))) return; // formatted before
  k.say(`kafka: formatting storage in ${k.logsDir} (cluster id ${id})`);
  const res = await run(
    JAVA,
    [...javaBase(k), 'kafka.tools.StorageTool', 'format', '-t', id, '-c', k.propsFile, '--ignore-formatted'],
    { cwd: k.dir },
  );
  if (res.error || res.status !== 0) {
    throw new Error(
      `[infra] kafka: storage format failed (${res.error ? res.error.message : `exit ${res.status}`}). Is Java 17+ on PATH?\n` +
        lastLines(res.output),
    );
  }
}

async function upKafka(cfg) {
  const k = cfg.kafka;
  if (k.external) {
    k.say(`kafka: external (KAFKA_BROKERS=${k.external}), checking reachability…`);
    const ms = await waitReady(k, () => kafkaAnswers(k.external), { timeoutMs: k.readyTimeoutMs }).catch(() => {
      throw new Error(`[infra] kafka: external brokers ${k.external} (KAFKA_BROKERS) not reachable within ${secs(k.readyTimeoutMs)}`);
    });
    k.say(`kafka: external ${k.external} reachable (${secs(ms)})`);
    return false;
  }
  const pid = livePid(k);
  if (pid) {
    if (await kafkaAnswers(k.address)) {
      k.say(`kafka: already running (pid ${pid}, ${k.address})`);
      return false;
    }
    k.say(`kafka: pid ${pid} is alive but not answering yet, waiting…`);
    const ms = await waitReady(k, () => kafkaAnswers(k.address), { pid, timeoutMs: k.readyTimeoutMs });
    k.say(`kafka: ready in ${secs(ms)} (pid ${pid})`);
    return false;
  }
  for (const port of [k.port, k.controllerPort]) {
    if (!(await portFree(port))) {
      throw new Error(
        `[infra] kafka: port ${port} is already in use by a process infra.mjs did not start. ` +
          `Stop it, choose other ports (INFRA_KAFKA_PORT / INFRA_KAFKA_CONTROLLER_PORT) or point KAFKA_BROKERS at it.`,
      );
    }
  }
  mkdirs(k.dir, k.logsDir);
  await ensureKafkaLibs(k);
  writeServerProperties(k);
  await formatStorage(k, clusterId(k));
  k.say(`kafka: starting on ${k.address} …`);
  const args = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError', ...javaBase(k), 'kafka.Kafka', k.propsFile];
  const child = startDetached(k, JAVA, args, k.dir);
  const ms = await waitReady(k, () => kafkaAnswers(k.address), { ...child, timeoutMs: k.readyTimeoutMs });
  k.say(`kafka: ready in ${secs(ms)} (pid ${child.pid}, log ${shown(k.logFile)})`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// FerretDB

const FERRETDB_PATCHES = path.join(FERRETDB_SRC, 'patches');

/** The patches carried on top of the FerretDB module, in the order they apply. */
function ferretPatches() {
  return fs.existsSync(FERRETDB_PATCHES) ? fs.readdirSync(FERRETDB_PATCHES).filter((f) => f.endsWith('.patch')).sort() : [];
}

/** What the binary is built from: our sources and every patch. A change to any of them rebuilds. */
function ferretSourceHash() {
  const h = crypto.createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) h.update(f).update(fs.readFileSync(path.join(FERRETDB_SRC, f)));
  for (const f of ferretPatches()) h.update(f).update(fs.readFileSync(path.join(FERRETDB_PATCHES, f)));
  return h.digest('hex');
}

/**
 * Builds FerretDB the way patched dependencies are carried: copy our main into a build folder,
 * `go mod vendor`, apply tools/infra/ferretdb/patches/*.patch to the vendored module, build
 * with `-mod=vendor`. The stamp beside the binary holds the hash of everything it was built
 * from, so a new or changed patch rebuilds it.
 */
async function ensureFerretBinary(m) {
  const hash = ferretSourceHash();
  const stamp = `${m.binary}.stamp`;
  const built = fs.existsSync(m.binary) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash;
  if (built) return;
  const patches = ferretPatches();
  m.say(`ferretdb: building FerretDB with ${patches.length} patch(es): ${patches.join(', ') || 'none'} (first time takes a few minutes)…`);
  mkdirs(path.dirname(m.binary));
  const work = path.join(path.dirname(m.binary), `ferretdb-build-${process.pid}`);
  fs.rmSync(work, { recursive: true, force: true });
  mkdirs(work);
  for (const f of ['main.go', 'go.mod', 'go.sum']) fs.copyFileSync(path.join(FERRETDB_SRC, f), path.join(work, f));
  const tmp = `${m.binary}.tmp-${process.pid}`;
  const t0 = Date.now();
  const beat = setInterval(() => m.say(`ferretdb: still building… ${secs(Date.now() - t0)}`), 60_000);
  // The build folder sits inside this repository: stop git from finding it, so `git apply`
  // patches paths relative to the build folder, not to the repository's root.
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(work) };
  const step = async (what, cmd, args) => {
    const res = await run(cmd, args, { cwd: work, env });
    if (res.error || res.status !== 0) {
      throw new Error(
        `[infra] ferretdb: ${what} failed (${res.error ? res.error.message : `exit ${res.status}`}). Is ${cmd} on PATH?\n` +
          lastLines(res.output),
      );
    }
  };
  try {
    await step('go mod vendor', 'go', ['mod', 'vendor']);
    for (const p of patches) {
      m.say(`ferretdb: applying patch ${p}`);
      await step(`patch ${p}`, 'git', ['apply', '-p1', path.join(FERRETDB_PATCHES, p)]);
    }
    await step('go build', 'go', ['build', '-mod=vendor', '-o', tmp, '.']);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    clearInterval(beat);
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.renameSync(tmp, m.binary); // rename: safe even if an old binary is still running
  fs.writeFileSync(stamp, `${hash}\n`);
  m.say(`ferretdb: built in ${secs(Date.now() - t0)} with patches [${patches.join(', ')}] → ${m.binary}`);
}

async function upMongo(cfg) {
  const m = cfg.mongo;
  if (m.external) {
    m.say(`mongo: external (MONGO_URL=${m.address}), checking reachability…`);
    const ms = await waitReady(m, () => mongoAnswers(m.external), { timeoutMs: m.readyTimeoutMs }).catch(() => {
      throw new Error(`[infra] mongo: external server ${m.address} (MONGO_URL) not reachable within ${secs(m.readyTimeoutMs)}`);
    });
    m.say(`mongo: external ${m.address} reachable (${secs(ms)})`);
    return false;
  }
  const pid = livePid(m);
  if (pid) {
    if (await mongoAnswers(m.url)) {
      m.say(`ferretdb: already running (pid ${pid}, ${m.address})`);
      return false;
    }
    m.say(`ferretdb: pid ${pid} is alive but not answering yet, waiting…`);
    const ms = await waitReady(m, () => mongoAnswers(m.url), { pid, timeoutMs: m.readyTimeoutMs });
    m.say(`ferretdb: ready in ${secs(ms)} (pid ${pid})`);
    return false;
  }
  if (!(await portFree(m.port))) {
    throw new Error(
      `[infra] ferretdb: port ${m.port} is already in use by a process infra.mjs did not start. ` +
        `Stop it, choose another port (INFRA_MONGO_PORT) or point MONGO_URL at it.`,
    );
  }
  await ensureFerretBinary(m);
  mkdirs(m.dataDir);
  m.say(`ferretdb: starting on ${m.address} …`);
  const child = startDetached(
    m,
    m.binary,
    ['-listen', m.address, '-data', m.dataDir, '-log-level', process.env.INFRA_FERRETDB_LOG_LEVEL || 'error'],
    m.dataDir,
  );
  const ms = await waitReady(m, () => mongoAnswers(m.url), { ...child, timeoutMs: m.readyTimeoutMs });
  m.say(`ferretdb: ready in ${secs(ms)} (pid ${child.pid}, log ${shown(m.logFile)})`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// locking: one up/down at a time per data dir (parallel test runners may all call up())

let inProcess = Promise.resolve();

async function withLock(cfg, fn) {
  const locked = async () => {
    mkdirs(cfg.runDir);
    const lock = path.join(cfg.runDir, 'infra.lock');
    let announced = false;
    for (;;) {
      try {
        fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
        const holder = readPid(lock);
        let age = 0;
        try {
          age = Date.now() - fs.statSync(lock).mtimeMs;
        } catch {
          continue; // released meanwhile
        }
        // stale: holder gone (or a recycled pid still holding it after LOCK_STALE_MS)
        if (!holder || holder === process.pid || !isAlive(holder) || age > LOCK_STALE_MS) {
          fs.rmSync(lock, { force: true }); // stale lock
          continue;
        }
        if (!announced) cfg.say(`waiting for another infra.mjs (pid ${holder}) to finish…`);
        announced = true;
        await sleep(250);
      }
    }
    try {
      return await fn();
    } finally {
      fs.rmSync(lock, { force: true });
    }
  };
  const p = inProcess.then(locked, locked);
  inProcess = p.catch(() => {});
  return p;
}

// ---------------------------------------------------------------------------------------------
// public API

/**
 * Start whatever is not running yet and wait until it answers.
 * opts: { kafka = true, mongo = true, quiet = false, readyTimeoutMs, dataDir, kafkaPort, kafkaControllerPort, mongoPort }
 * @returns {Promise<{ kafkaBrokers: string, mongoUrl: string, started: { kafka: boolean, mongo: boolean } }>}
 */
export async function up(opts = {}) {
  const cfg = config(opts);
  return withLock(cfg, async () => {
    mkdirs(cfg.runDir, cfg.logDir, cfg.cacheDir);
    // both at once: FerretDB's one-time build and Kafka's JVM start-up overlap
    const results = await Promise.allSettled([
      opts.kafka === false ? false : upKafka(cfg),
      opts.mongo === false ? false : upMongo(cfg),
    ]);
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) {
      const err = failed[0].reason;
      if (failed.length > 1) err.message += `\n\n${failed[1].reason?.message ?? failed[1].reason}`;
      // what this call did launch keeps running; tell the caller so it can `down(err.started)`
      err.started = { kafka: results[0].value === true, mongo: results[1].value === true };
      throw err;
    }
    const [kafka, mongo] = results.map((r) => r.value);
    return { kafkaBrokers: cfg.kafka.address, mongoUrl: cfg.mongo.url, started: { kafka, mongo } };
  });
}

async function stopOne(c) {
  if (c.external) {
    c.say(`${c.name}: external, left alone`);
    return false;
  }
  const pid = livePid(c);
  if (!pid) {
    c.say(`${c.name}: not running`);
    return false;
  }
  const t0 = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  while (isAlive(pid) && Date.now() - t0 < STOP_TIMEOUT_MS) await sleep(200);
  if (isAlive(pid)) {
    c.say(`${c.name}: pid ${pid} ignored SIGTERM for ${secs(STOP_TIMEOUT_MS)}, sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    while (isAlive(pid) && Date.now() - t0 < STOP_TIMEOUT_MS + 5000) await sleep(100);
  }
  fs.rmSync(c.pidFile, { force: true });
  c.say(`${c.name}: stopped (pid ${pid}) in ${secs(Date.now() - t0)}`);
  return true;
}

/**
 * Stop the processes this script started (never external ones). Data is kept.
 * opts: { kafka = true, mongo = true, quiet = false } — e.g. `down(result.started)` stops only what up() launched.
 */
export async function down(opts = {}) {
  const cfg = config(opts);
  return withLock(cfg, async () => {
    const [kafka, mongo] = await Promise.all([
      opts.kafka === false ? false : stopOne(cfg.kafka),
      opts.mongo === false ? false : stopOne(cfg.mongo),
    ]);
    return { stopped: { kafka, mongo } };
  });
}

async function statusOne(c, probe) {
  if (c.external) {
    const reachable = await probe(c.external);
    return { state: 'external', address: c.address, reachable, ok: reachable };
  }
  const pid = livePid(c);
  if (!pid) return { state: 'stopped', address: c.address, ok: false };
  const reachable = await probe(c.name === 'kafka' ? c.address : c.url);
  return { state: reachable ? 'running' : 'unresponsive', pid, address: c.address, reachable, ok: reachable };
}

/** @returns {Promise<{ ok: boolean, kafka: object, mongo: object }>} */
export async function status(opts = {}) {
  const cfg = config(opts);
  const [kafka, mongo] = await Promise.all([statusOne(cfg.kafka, kafkaAnswers), statusOne(cfg.mongo, mongoAnswers)]);
  return { ok: kafka.ok && mongo.ok, kafka: { ...kafka, logFile: cfg.kafka.logFile }, mongo: { ...mongo, logFile: cfg.mongo.logFile } };
}

function describe(name, s) {
  switch (s.state) {
    case 'running':
      return `${name}: running (pid ${s.pid}, ${s.address})`;
    case 'unresponsive':
      return `${name}: process alive (pid ${s.pid}) but ${s.address} does not answer — see ${s.logFile}`;
    case 'external':
      return `${name}: external ${s.address} (${s.reachable ? 'reachable' : 'NOT reachable'})`;
    default:
      return `${name}: stopped`;
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);

if (isMain) {
  const cmd = process.argv[2];
  const main = async () => {
    switch (cmd) {
      case 'up': {
        const r = await up();
        process.stdout.write(`KAFKA_BROKERS=${r.kafkaBrokers}\nMONGO_URL=${r.mongoUrl}\n`);
        return 0;
      }
      case 'down':
        await down();
        return 0;
      case 'status': {
        const s = await status();
        process.stdout.write(`${describe('kafka', s.kafka)}\n${describe(s.mongo.state === 'external' ? 'mongo' : 'ferretdb', s.mongo)}\n`);
        return s.ok ? 0 : 1;
      }
      default:
        process.stderr.write('usage: node tools/infra/infra.mjs up|down|status\n');
        return 2;
    }
  };
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err?.message ?? err}\n`);
      process.exit(1);
    },
  );
}
