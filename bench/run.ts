/**
 * Benchmark: import throughput for generated conversations, export throughput per format, API latency,
 * peak RSS. Prints JSON. Usage: npm run bench [-- --conversations 100000]
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccessService } from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { buildDirectory } from '../src/demo/directory.ts';
import { demoConversations } from '../src/demo/index.ts';
import { exportEventLog } from '../src/export/index.ts';
import { buildApp } from '../src/server/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openOperationalStore, openStore } from '../src/store/index.ts';
import { percentile } from './stats.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const conversations = arg('conversations', 100_000);
const days = arg('days', 365);
const work = path.join(tmpdir(), `caseflow-bench-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'input'), { recursive: true });
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

// Input files: NDJSON, 10,000 conversations per file.
let t = process.hrtime.bigint();
const files: string[] = [];
let lines: string[] = [];
const flushFile = () => {
  if (!lines.length) return;
  const file = path.join(work, 'input', `part-${String(files.length).padStart(3, '0')}.ndjson`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  files.push(file);
  lines = [];
};
for (const c of demoConversations({ conversations, days, seed: 1, end: '2026-11-01' })) {
  lines.push(JSON.stringify(c));
  if (lines.length === 10_000) flushFile();
}
flushFile();
const generateSeconds = seconds(t);
const inputBytes = files.reduce((n, f) => n + statSync(f).size, 0);

const config = parseConfig({});
const store = await openStore(path.join(work, 'data'));
t = process.hrtime.bigint();
const summary = await importGenesys(store, files, { config });
const importSeconds = seconds(t);
const rssAfterImport = peakRssMb();

t = process.hrtime.bigint();
const reimport = await importGenesys(store, files.slice(0, 1), { config });
const reimportSeconds = seconds(t);

const exports: Record<string, { seconds: number; eventsPerSecond: number; megabytes: number }> = {};
for (const format of ['csv', 'parquet', 'xes', 'ocel'] as const) {
  const out = path.join(work, 'out', format === 'parquet' ? 'parquet' : `eventlog.${format}`);
  t = process.hrtime.bigint();
  const { events } = await exportEventLog(store, { format, out, lang: 'en' });
  const s = seconds(t);
  const size = format === 'parquet' ? directorySize(out) : statSync(out).size;
  exports[format] = {
    seconds: round(s),
    eventsPerSecond: Math.round(events / s),
    megabytes: round(size / 1e6),
  };
}

const app = await buildApp({ store, config });
const latency: Record<string, { p50: number; p99: number; n: number }> = {};
for (const url of ['/api/v1/eventlog?page=50&pageSize=100', '/api/v1/kpis', '/api/v1/health']) {
  const samples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const s = process.hrtime.bigint();
    const res = await app.inject({ url });
    if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}`);
    samples.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  samples.sort((a, b) => a - b);
  latency[url] = {
    p50: round(percentile(samples, 0.5)),
    p99: round(percentile(samples, 0.99)),
    n: samples.length,
  };
}
await app.close();

// Access control: the same routes with an API token (session lookup per request), for a user of every
// division and for a user of one division (the scoped SQL path).
const operational = await openOperationalStore({ dataDir: path.join(work, 'data') });
const secured = await buildApp({ store, config: parseConfig({ access: { enabled: true } }), operational });
const access = new AccessService(operational.db, parseConfig({}).access);
const expertise = buildDirectory(1).divisions.expertise.id;
const tokenOf = async (username: string, divisions: string[] | 'all') => {
  await access.createUser({ username, roles: ['analyst'], divisions }, { username: 'bench' });
  const principal = await access.userPrincipal(username);
  if (!principal) throw new Error(`no user ${username}`);
  return (
    await access.createToken(principal, { name: 'bench', scopes: ['analytics:*'] }, { username: 'bench' })
  ).secret;
};
const tokens = {
  allDivisions: await tokenOf('bench-all', 'all'),
  oneDivision: await tokenOf('bench-one', [expertise]),
};
const accessLatency: Record<string, Record<string, { p50: number; p99: number; n: number }>> = {};
for (const [who, token] of Object.entries(tokens)) {
  accessLatency[who] = {};
  for (const url of ['/api/v1/kpis', '/api/v1/process-map', '/api/v1/reports/opened-heatmap']) {
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = process.hrtime.bigint();
      const res = await secured.inject({ url, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`${url} as ${who} → ${res.statusCode}`);
      samples.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    samples.sort((a, b) => a - b);
    accessLatency[who][url] = {
      p50: round(percentile(samples, 0.5)),
      p99: round(percentile(samples, 0.99)),
      n: samples.length,
    };
  }
}
await secured.close();
await operational.close();
store.close();

const report = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  input: {
    conversations,
    files: files.length,
    megabytes: round(inputBytes / 1e6),
    generateSeconds: round(generateSeconds),
  },
  import: {
    seconds: round(importSeconds),
    conversationsPerSecond: Math.round(summary.conversations / importSeconds),
    eventsPerSecond: Math.round(summary.events / importSeconds),
    events: summary.events,
    cases: summary.cases,
    rejected: summary.rejected,
    peakRssMb: rssAfterImport,
  },
  reimportOneFile: { seconds: round(reimportSeconds), conversations: reimport.conversations },
  exports,
  apiLatencyMs: latency,
  apiLatencyWithTokenMs: accessLatency,
  peakRssMb: peakRssMb(),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });

function directorySize(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(path.join(e.parentPath, e.name)).size, 0);
}
function round(n: number): number {
  return Math.round(n * 100) / 100;
}
