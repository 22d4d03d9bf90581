/**
 * Process-mining benchmark: process map, variants and case list on synthetic logs of 1M and 10M events
 * (generated in SQL, deterministic), plus map/variants/overview/KPIs on a Genesys demo import.
 * Prints JSON. Usage: npm run bench:mining [-- --sizes 1000000,10000000 --runs 10 --genesys 100000]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/index.ts';
import { demoConversations } from '../src/demo/index.ts';
import { computeKpis } from '../src/eventlog/index.ts';
import { listCases, overview, parseFilter, processMap, variants } from '../src/mining/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { percentile } from './stats.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const sizes = arg('sizes', '1000000,10000000').split(',').map(Number);
const runs = Number(arg('runs', '10'));
const genesysConversations = Number(arg('genesys', '100000'));
const work = path.join(tmpdir(), `caseflow-bench-mining-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const POOL = [
  'Receive request',
  'Register',
  'Check completeness',
  'Ask for documents',
  'Receive documents',
  'Assess',
  'Escalate',
  'Expert review',
  'Decide',
  'Approve',
  'Reject',
  'Notify customer',
  'Pay out',
  'Archive',
  'Reopen',
  'Call customer',
  'Update CRM',
  'Quality check',
  'Close',
  'Send survey',
];

/** ~40 trace templates from a seeded generator: a main path with optional detours and rework loops. */
function templates(): string[][] {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: string[][] = [];
  for (let t = 0; t < 40; t++) {
    const trace = ['Receive request', 'Register'];
    if (rnd() < 0.4) trace.push('Check completeness', 'Ask for documents', 'Receive documents');
    trace.push('Assess');
    if (rnd() < 0.3) trace.push('Escalate', 'Expert review');
    if (rnd() < 0.25) trace.push('Assess');
    trace.push('Decide', rnd() < 0.7 ? 'Approve' : 'Reject', 'Notify customer');
    if (rnd() < 0.5) trace.push('Pay out');
    if (rnd() < 0.3) trace.push('Call customer', 'Update CRM');
    if (rnd() < 0.15) trace.push('Reopen', 'Assess', 'Decide');
    trace.push(rnd() < 0.5 ? 'Quality check' : 'Update CRM', 'Close');
    if (rnd() < 0.4) trace.push('Send survey');
    trace.push('Archive');
    out.push(trace.filter((a) => POOL.includes(a)));
  }
  return out;
}

async function synthesize(
  store: Store,
  dataset: string,
  targetEvents: number,
): Promise<{ events: number; cases: number }> {
  const tpl = templates();
  const meanLength = tpl.reduce((n, t) => n + t.length, 0) / tpl.length;
  const cases = Math.round(targetEvents / meanLength);
  const values = tpl.map((t, i) => `(${i}, [${t.map((a) => `'${a}'`).join(', ')}])`).join(', ');
  await store.db.run(`DELETE FROM dataset_events WHERE dataset = '${dataset}'`);
  await store.db.run(`
    INSERT INTO dataset_events
    WITH c AS (SELECT range AS c, hash(range) AS h FROM range(${cases})),
    t(id, acts) AS (VALUES ${values}),
    e AS (SELECT c.c, c.h, unnest(t.acts) AS activity, unnest(generate_series(1, len(t.acts))) AS pos
          FROM c JOIN t ON t.id = (c.h % ${tpl.length}))
    SELECT '${dataset}', 'case-' || c, activity,
      TIMESTAMP '2026-01-01' + to_seconds((c * 37) % (365 * 86400)) + to_seconds(pos * 3600 + hash(c, pos) % 3000),
      TIMESTAMP '2026-01-01' + to_seconds((c * 37) % (365 * 86400)) + to_seconds(pos * 3600 + hash(c, pos) % 3000 + 300),
      'r' || (hash(c, pos, 1) % 50), c * 100 + pos, NULL
    FROM e`);
  const row = await store.db.one<{ events: number; cases: number }>(
    `SELECT count(*)::DOUBLE AS events, count(DISTINCT case_id)::DOUBLE AS cases FROM dataset_events WHERE dataset = '${dataset}'`,
  );
  return { events: Number(row?.events), cases: Number(row?.cases) };
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; runs: number }> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => Math.round(percentile(samples, p) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), runs };
}

const store = await openStore(path.join(work, 'data'));
const report: Record<string, unknown> = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
};
for (const size of sizes) {
  const dataset = `bench-${size}`;
  const start = process.hrtime.bigint();
  const made = await synthesize(store, dataset, size);
  await store.bumpDataVersion(dataset);
  const filter = parseFilter({ dataset });
  const prepared = process.hrtime.bigint();
  await variants(store, filter, { page: 1, pageSize: 1 }); // first query: builds the mining tables
  const firstQuerySeconds = Math.round(Number(process.hrtime.bigint() - prepared) / 1e7) / 100;
  const filtered = parseFilter({ dataset, activity: 'Escalate', minDuration: '36000' });
  report[dataset] = {
    ...made,
    generateSeconds: Math.round(Number(prepared - start) / 1e7) / 100,
    firstQuerySeconds,
    processMapMs: await time(() => processMap(store, filter)),
    processMapSlidersMs: await time(() => processMap(store, filter, { activities: 50, paths: 30 })),
    variantsMs: await time(() => variants(store, filter, { page: 1, pageSize: 50 })),
    processMapFilteredMs: await time(() => processMap(store, filtered)),
    casesPageMs: await time(() => listCases(store, filter, { page: 10, pageSize: 50, sort: '-duration' })),
    overviewMs: await time(() => overview(store, filter, 'UTC')),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await store.db.run(`DELETE FROM dataset_events WHERE dataset = '${dataset}'`);
}

if (genesysConversations > 0) {
  const { writeFileSync } = await import('node:fs');
  const file = path.join(work, 'genesys.ndjson');
  const lines: string[] = [];
  for (const c of demoConversations({
    conversations: genesysConversations,
    days: 365,
    seed: 1,
    end: '2026-11-01',
  })) {
    lines.push(JSON.stringify(c));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  lines.length = 0;
  await importGenesys(store, [file], { config: parseConfig({}) });
  const filter = parseFilter({});
  const counts = await store.counts();
  const prepared = process.hrtime.bigint();
  await variants(store, filter, { page: 1, pageSize: 1 });
  report[`genesys-${genesysConversations}`] = {
    ...counts,
    firstQuerySeconds: Math.round(Number(process.hrtime.bigint() - prepared) / 1e7) / 100,
    processMapMs: await time(() => processMap(store, filter)),
    variantsMs: await time(() => variants(store, filter, { page: 1, pageSize: 50 })),
    overviewMs: await time(() => overview(store, filter, 'Europe/Paris')),
    kpisMs: await time(() => computeKpis(store)),
    chatMapMs: await time(() => processMap(store, parseFilter({ mediaType: 'chat' }))),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
store.close();
report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
