import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { generateDemo } from '../src/demo/index.ts';
import { exportEventLog } from '../src/export/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openStore } from '../src/store/index.ts';
import { FIXTURES, scenarioFiles, tempDir } from './support.ts';

const config = parseConfig({});
const voice = JSON.parse(readFileSync(path.join(FIXTURES, 'a-inbound-voice.json'), 'utf8')).conversations[0];

function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('re-import and versions', () => {
  it('an identical record is skipped: LastDataUpdate is kept', async () => {
    const store = await openStore(tempDir());
    await importGenesys(store, scenarioFiles(), { config, now: new Date('2024-04-01T00:00:00Z') });
    const again = await importGenesys(store, scenarioFiles(), {
      config,
      now: new Date('2024-05-01T00:00:00Z'),
    });
    expect(again.unchanged).toBe(again.conversations - again.olderVersions);
    const updates = new Set((await store.readEventLog()).map((r) => r.LastDataUpdate));
    expect([...updates]).toEqual(['2024-04-01T00:00:00.000Z']);
    store.close();
  });

  it('a corrected record with the same times replaces the stored one (the last import wins)', async () => {
    const dir = tempDir();
    const store = await openStore(tempDir());
    await importGenesys(store, [writeJson(dir, 'v1.json', [voice])], { config });
    const corrected = structuredClone(voice);
    const agent = corrected.participants.find((p: { purpose: string }) => p.purpose === 'agent');
    const wrapup = agent.sessions[0].segments.find(
      (g: { segmentType: string }) => g.segmentType === 'wrapup',
    );
    wrapup.wrapUpCode = 'corrected-code';
    const summary = await importGenesys(store, [writeJson(dir, 'v2.json', [corrected])], { config });
    expect(summary.unchanged).toBe(0);
    const codes = (await store.readEventLog()).map((r) => r.WrapUpCode).filter(Boolean);
    expect(codes).toEqual(['corrected-code']);
    store.close();
  });

  it('a code carried by the interact and the wrapup segment is assigned once', async () => {
    const dir = tempDir();
    const twice = structuredClone(voice);
    const agent = twice.participants.find((p: { purpose: string }) => p.purpose === 'agent');
    const segments = agent.sessions[0].segments;
    const code = segments.find((g: { segmentType: string }) => g.segmentType === 'wrapup').wrapUpCode;
    segments.filter((g: { segmentType: string }) => g.segmentType === 'interact').at(-1).wrapUpCode = code;
    const store = await openStore(tempDir());
    await importGenesys(store, [writeJson(dir, 'twice.json', [twice])], { config });
    const assigned = (await store.readEventLog()).filter((r) => r.ActivityName === 'Wrap-Up Code Assigned');
    expect(assigned).toHaveLength(1);
    store.close();
  });
});

describe('interrupted work and configuration changes', () => {
  it('a regroup left pending by a crash is finished when the store is next prepared', async () => {
    const dataDir = tempDir();
    let store = await openStore(dataDir);
    await importGenesys(store, scenarioFiles(), { config });
    const expected = await store.readEventLog();
    // What a kill between the batch commits and the regroup leaves behind:
    await store.markRegroupPending();
    await store.db.run('DELETE FROM events; DELETE FROM cases; DELETE FROM case_map;');
    store.close();
    store = await openStore(dataDir);
    const notices = await store.prepare(config);
    expect(notices.join()).toMatch(/interrupted/);
    expect(await store.readEventLog()).toEqual(expected);
    expect(await store.regroupPending()).toBe(false);
    store.close();
  });

  it('keeps warning about a changed configuration until rebuild, even after more imports', async () => {
    const store = await openStore(tempDir());
    await importGenesys(store, scenarioFiles().slice(0, 2), { config });
    const changed = parseConfig({ eventlog: { serviceRequestIdAttribute: 'caseRef' } });
    await importGenesys(store, scenarioFiles().slice(2), { config: changed });
    expect((await store.prepare(changed)).join()).toMatch(/caseflow rebuild/);
    const { rebuild } = await import('../src/sources/genesys/index.ts');
    await rebuild(store, changed);
    expect(await store.prepare(changed)).toEqual([]);
    store.close();
  });
});

describe('input edge cases', () => {
  it('an empty query response and a last job page (cursor only) are empty, not rejected', async () => {
    const dir = tempDir();
    const store = await openStore(tempDir());
    const summary = await importGenesys(
      store,
      [writeJson(dir, 'empty.json', { totalHits: 0 }), writeJson(dir, 'last-page.json', { cursor: 'abc' })],
      { config },
    );
    expect(summary.rejected).toBe(0);
    expect(summary.conversations).toBe(0);
    store.close();
  });

  it('a byte-order mark does not break a file', async () => {
    const dir = tempDir();
    const store = await openStore(tempDir());
    const summary = await importGenesys(
      store,
      [writeJson(dir, 'bom.json', `\uFEFF${JSON.stringify([voice])}`)],
      {
        config,
      },
    );
    expect(summary).toMatchObject({ conversations: 1, rejected: 0 });
    store.close();
  });

  it('a broken pretty-printed document is one rejection placed by line and column', async () => {
    const dir = tempDir();
    const text = JSON.stringify({ conversations: [voice] }, null, 2).replace(
      '"purpose": "agent"',
      '"purpose": agent',
    );
    const store = await openStore(tempDir());
    const summary = await importGenesys(store, [writeJson(dir, 'broken.json', text)], { config });
    expect(summary.rejected).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('"purpose": agent')) + 1;
    expect(summary.firstRejections[0]?.line).toBe(line);
    expect(summary.firstRejections[0]?.reason).toMatch(new RegExp(`line ${line}, column \\d+`));
    store.close();
  });

  it('a folder holding directory and survey files (the demo output) imports with no rejection', async () => {
    const demo = tempDir();
    const files = await generateDemo(demo, { conversations: 150, days: 5, seed: 3, end: '2026-11-04' });
    const store = await openStore(tempDir());
    const summary = await importGenesys(store, [demo], { config });
    expect(summary.rejected).toBe(0);
    expect(summary.conversations).toBe(150);
    expect(summary.surveys).toBeGreaterThan(0);
    const named = (await store.readEventLog()).filter((r) => r.AgentId !== null);
    expect(named.every((r) => r.AgentName !== r.AgentId)).toBe(true);
    expect(files.users.startsWith(demo)).toBe(true);
    store.close();
  });

  it('a Parquet re-export replaces the previous partitions', async () => {
    const store = await openStore(tempDir());
    await importGenesys(store, scenarioFiles(), { config });
    const out = path.join(tempDir(), 'parquet');
    await exportEventLog(store, { format: 'parquet', out, lang: 'en' });
    expect(readdirSync(out)).toEqual(['month=2024-03']);
    const { events } = await exportEventLog(store, {
      format: 'parquet',
      out,
      lang: 'en',
      from: '2025-01-01',
    });
    expect(events).toBe(0);
    expect(readdirSync(out)).toEqual([]);
    store.close();
  });
});

describe('CLI messages', () => {
  const run = (args: string[]): Promise<{ code: number; stderr: string; stdout: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.resolve(import.meta.dirname, '../bin/caseflow.js'), ...args],
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('names the bad option or file and exits 2', async () => {
    const dir = tempDir();
    const port = await run(['--data-dir', dir, 'serve', '--port', 'abc']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port/);
    const surveys = await run([
      '--data-dir',
      dir,
      'import',
      'genesys',
      scenarioFiles()[0] ?? '',
      '--surveys',
      '/no/such.ndjson',
    ]);
    expect(surveys.code).toBe(2);
    expect(surveys.stderr).toMatch(/no such file/);
    const blocker = writeJson(dir, 'file', 'x');
    const out = await run([
      '--data-dir',
      dir,
      'export',
      'eventlog',
      '--format',
      'csv',
      '--out',
      path.join(blocker, 'x.csv'),
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--out/);
  });

  it('prints the first rejections with their place and reason', async () => {
    const dir = tempDir();
    const res = await run(['--data-dir', dir, 'import', 'genesys', path.join(FIXTURES, 'bad')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/rejected .*records\.ndjson:2: not valid JSON/);
  });
});

describe('JSON error position', () => {
  it('agrees with JSON.parse on validity and points at the fault', async () => {
    const { jsonErrorOffset } = await import('../src/sources/json-error-position.ts');
    const valid = [JSON.stringify(voice, null, 2), '[]', '{"a":[1,-2.5e3,true,null,"\\u00e9\\n"]}', ' "x" '];
    for (const text of valid) expect(jsonErrorOffset(text)).toBeNull();
    const invalid: [string, number][] = [
      ['{"a": x}', 6],
      ['[1, 2,]', 6],
      ['{"a": 1', 7],
      ['{"a": 1} extra', 9],
      ['"tab\there"', 4],
    ];
    for (const [text, offset] of invalid) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorOffset(text), text).toBe(offset);
    }
  });
});
