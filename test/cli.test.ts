import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, directoryOptions, FIXTURES, runCaseflow, scenarioFiles, tempDir } from './support.ts';

const caseflow = runCaseflow;

const importArgs = [
  '--users',
  directoryOptions.users,
  '--queues',
  directoryOptions.queues,
  '--wrapup-codes',
  directoryOptions.wrapUpCodes,
  '--surveys',
  directoryOptions.surveys,
];

describe('caseflow CLI', () => {
  const dataDir = tempDir();
  const data = ['--data-dir', dataDir];
  let imported: CliRun;

  beforeAll(async () => {
    imported = await caseflow([...data, 'import', 'genesys', ...scenarioFiles(), ...importArgs, '--json']);
  });

  it('imports Genesys records and prints a summary', () => {
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout);
    const records = scenarioFiles().flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).conversations);
    expect(summary.conversations).toBe(records.length);
    // k-active.json and k-active-updated.json hold two versions of one conversation: the older is skipped.
    expect(summary.olderVersions).toBe(1);
    expect(summary.rejected).toBe(0);
    // surveys.ndjson holds one survey for a conversation that is in no fixture.
    expect(summary.unmatchedSurveys).toBe(1);
    expect(summary.events).toBeGreaterThan(100);
    expect(summary.cases).toBeGreaterThan(10);
  });

  it('re-importing the same files changes nothing', async () => {
    const before = await caseflow([...data, 'kpis', '--json']);
    const again = await caseflow([...data, 'import', 'genesys', ...scenarioFiles(), '--json']);
    expect(again.code).toBe(0);
    const after = await caseflow([...data, 'kpis', '--json']);
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
  });

  it('quarantines bad records, lands the rest, exits 0', async () => {
    const dir = tempDir();
    const run = await caseflow([
      '--data-dir',
      dir,
      'import',
      'genesys',
      path.join(FIXTURES, 'bad'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.rejected).toBeGreaterThan(0);
    expect(summary.conversations).toBeGreaterThan(0);
    const quarantined = readFileSync(summary.quarantineFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(quarantined).toHaveLength(summary.rejected);
    for (const q of quarantined) {
      expect(q.file).toContain('bad');
      expect(q.reason).toBeTruthy();
      expect(q.line ?? q.index).toBeDefined();
    }
  });

  it('exits 2 when no valid record is found, and says where the rejects are', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'garbage.ndjson');
    writeFileSync(file, 'not json\n{"conversationId": 3}\n');
    const run = await caseflow(['--data-dir', dir, 'import', 'genesys', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/2 rejected/);
    expect(run.stderr).toMatch(/no valid conversation/);
    expect(readdirSync(path.join(dir, 'quarantine'))).toHaveLength(1);
  });

  it('exits 2 on bad usage', async () => {
    expect((await caseflow([...data, 'export', 'eventlog', '--format', 'pdf', '--out', 'x'])).code).toBe(2);
    expect((await caseflow([...data, 'import', 'genesys', '/no/such/path'])).code).toBe(2);
    expect((await caseflow([...data, 'kpis', '--bogus'])).code).toBe(2);
    expect(
      (
        await caseflow([
          ...data,
          'export',
          'eventlog',
          '--format',
          'csv',
          '--out',
          path.join(tempDir(), 'x.csv'),
          '--from',
          'soon',
        ])
      ).code,
    ).toBe(2);
    const cfg = path.join(tempDir(), 'caseflow.config.json');
    writeFileSync(cfg, JSON.stringify({ eventlog: { reopenWindowDayz: 3 } }));
    const bad = await caseflow([...data, '--config', cfg, 'kpis']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/eventlog\.reopenWindowDayz/);
  });

  it('prints KPIs as a table and as JSON', async () => {
    const text = await caseflow([...data, 'kpis']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/MediaType/);
    expect(text.stdout).toMatch(/voice/);
    const json = JSON.parse((await caseflow([...data, 'kpis', '--json'])).stdout);
    expect(json.byMediaType.map((m: { mediaType: string }) => m.mediaType)).toEqual(
      expect.arrayContaining(['voice', 'chat', 'email']),
    );
  });

  it('exports every format', async () => {
    const out = tempDir();
    for (const format of ['csv', 'xes', 'ocel']) {
      const file = path.join(out, `log.${format}`);
      const run = await caseflow([
        ...data,
        'export',
        'eventlog',
        '--format',
        format,
        '--out',
        file,
        '--lang',
        'fr',
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).events).toBeGreaterThan(100);
      expect(readFileSync(file, 'utf8')).toContain('Interaction Commencée');
    }
    const parquet = path.join(out, 'parquet');
    const run = await caseflow([
      ...data,
      'export',
      'eventlog',
      '--format',
      'parquet',
      '--out',
      parquet,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const months = readdirSync(parquet).sort();
    expect(months).toEqual(['month=2024-03']);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT ServiceRequest)::INTEGER AS cases FROM read_parquet('${parquet}/**/*.parquet', hive_partitioning = true)`,
    );
    const [n] = reader.getRows()[0] ?? [];
    expect(n).toBe(JSON.parse(run.stdout).events);
    conn.closeSync();
  });

  it('rebuilds with a changed configuration', async () => {
    const dir = tempDir();
    await caseflow(['--data-dir', dir, 'import', 'genesys', ...scenarioFiles(), ...importArgs]);
    const before = JSON.parse((await caseflow(['--data-dir', dir, 'kpis', '--json'])).stdout);
    const cfg = path.join(dir, 'narrow.json');
    writeFileSync(cfg, JSON.stringify({ eventlog: { reopenWindowDays: 0.5 } }));
    const stale = await caseflow([
      '--data-dir',
      dir,
      '--config',
      cfg,
      'import',
      'genesys',
      scenarioFiles()[0] ?? '',
    ]);
    expect(stale.stderr).toMatch(/caseflow rebuild/);
    const run = await caseflow(['--data-dir', dir, '--config', cfg, 'rebuild', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const after = JSON.parse((await caseflow(['--data-dir', dir, 'kpis', '--json'])).stdout);
    expect(after.cases).toBeGreaterThan(before.cases);
    expect(after.reopenPct).toBeLessThan(before.reopenPct);
  });

  it('generates the demo data set deterministically', async () => {
    const a = tempDir();
    const b = tempDir();
    const args = ['demo', '--conversations', '200', '--days', '10', '--seed', '7', '--json'];
    const runA = await caseflow(['--data-dir', a, ...args]);
    const runB = await caseflow(['--data-dir', b, ...args, '--no-import']);
    expect(runA.code, runA.stderr).toBe(0);
    expect(runB.code, runB.stderr).toBe(0);
    const files = (dir: string) =>
      readdirSync(path.join(dir, 'demo'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort();
    expect(files(a)).toEqual(files(b));
    for (const f of files(a)) expect(readFileSync(path.join(a, f))).toEqual(readFileSync(path.join(b, f)));
    const summary = JSON.parse(runA.stdout);
    expect(summary.import.conversations).toBe(200);
    expect(summary.import.rejected).toBe(0);
    expect(existsSync(path.join(b, 'caseflow.duckdb'))).toBe(false);
  });
});
