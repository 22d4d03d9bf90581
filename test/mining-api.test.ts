import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { parseFilter, processMap, variants } from '../src/mining/index.ts';
import { buildApp } from '../src/server/index.ts';
import { importEventLog } from '../src/sources/eventlog/index.ts';
import type { Store } from '../src/store/index.ts';
import { scenarioStore, tempDir } from './support.ts';

const LOG = path.resolve(import.meta.dirname, 'fixtures/mining/pm4py-running-example.csv');
const flow = {
  start: ['register request'],
  end: ['pay compensation', 'reject request'],
  follows: [
    ['register request', 'examine casually'],
    ['register request', 'examine thoroughly'],
    ['register request', 'check ticket'],
    ['examine casually', 'check ticket'],
    ['examine thoroughly', 'check ticket'],
    ['check ticket', 'examine casually'],
    ['check ticket', 'examine thoroughly'],
    ['check ticket', 'decide'],
    ['examine casually', 'decide'],
    ['examine thoroughly', 'decide'],
    ['decide', 'pay compensation'],
    ['decide', 'reject request'],
    ['decide', 'reinitiate request'],
    ['reinitiate request', 'examine casually'],
    ['reinitiate request', 'examine thoroughly'],
    ['reinitiate request', 'check ticket'],
  ],
  required: ['decide'],
};

describe('mining API on an imported dataset and on the Genesys log', () => {
  let store: Store;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    store = await scenarioStore();
    await importEventLog(store, LOG, { format: 'csv', dataset: 'running' });
    const config = parseConfig({ mining: { designedFlowByDataset: { running: flow } } });
    app = await buildApp({ store, config, webRoot: null });
  });
  afterAll(async () => {
    await app.close();
    store.close();
  });
  const get = async (url: string) => {
    const res = await app.inject({ url });
    return { status: res.statusCode, body: res.json() };
  };

  it('every view answers on ?dataset= and matches the library functions', async () => {
    const map = await get('/api/v1/process-map?dataset=running');
    expect(map.status).toBe(200);
    const direct = await processMap(store, parseFilter({ dataset: 'running' }));
    expect(map.body.cases).toBe(direct.cases);
    expect(map.body.edges.map((e: { count: number }) => e.count)).toEqual(direct.edges.map((e) => e.count));
    const vars = await get('/api/v1/variants?dataset=running&pageSize=100');
    expect(vars.body.total).toBe(
      (await variants(store, parseFilter({ dataset: 'running' }), { pageSize: 100 })).total,
    );
    for (const route of ['cases', 'bottlenecks', 'handovers', 'conformance', 'overview', 'facets']) {
      const res = await get(`/api/v1/${route}?dataset=running`);
      expect(res.status, `${route}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
    }
    const cases = await get('/api/v1/cases?dataset=running&pageSize=100');
    expect(cases.body.total).toBe(direct.cases);
    const one = await get(`/api/v1/cases/${encodeURIComponent(cases.body.items[0].id)}?dataset=running`);
    expect(one.status).toBe(200);
    expect(one.body.events.length).toBe(cases.body.items[0].events);
  });

  it('checks an imported dataset against its own designed flow', async () => {
    const res = await get('/api/v1/conformance?dataset=running');
    expect(res.body.cases).toBeGreaterThan(0);
    expect(res.body.fitting).toBe(res.body.cases);
    const genesys = await get('/api/v1/conformance');
    expect(genesys.body.cases).toBe((await store.readCases()).length);
  });

  it('refuses a dataset without a designed flow, and an unknown dataset, clearly', async () => {
    await importEventLog(store, LOG, { format: 'csv', dataset: 'noflow' });
    const noFlow = await get('/api/v1/conformance?dataset=noflow');
    expect(noFlow.status).toBe(400);
    expect(noFlow.body.message).toMatch(/designedFlowByDataset/);
    for (const route of ['process-map', 'variants', 'cases', 'facets']) {
      const res = await get(`/api/v1/${route}?dataset=nope`);
      expect(res.status, route).toBe(404);
      expect(res.body.message).toMatch(/no dataset "nope"/);
    }
  });

  it('translates Genesys activity names with lang=fr and keeps canonical ids for filters', async () => {
    const map = (await get('/api/v1/process-map?lang=fr')).body;
    const started = map.activities.find((a: { id: string }) => a.id === 'Interaction Started');
    expect(started.name).toBe('Interaction Commencée');
  });
});

describe('mining CLI', () => {
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.resolve(import.meta.dirname, '../bin/caseflow.js'), ...args],
        { maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('imports an event log and answers map, variants and cases as JSON', async () => {
    const dir = tempDir();
    const imported = await run(['--data-dir', dir, 'import', 'eventlog', LOG, '--format', 'csv', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary.dataset).toBe('pm4py-running-example');
    const d = ['--data-dir', dir];
    const ds = ['--dataset', summary.dataset, '--json'];
    const map = JSON.parse((await run([...d, 'map', ...ds])).stdout);
    expect(map.cases).toBe(summary.cases);
    expect(map.events).toBe(summary.events);
    const vars = JSON.parse((await run([...d, 'variants', ...ds])).stdout);
    expect(vars.items.reduce((n: number, v: { cases: number }) => n + v.cases, 0)).toBe(summary.cases);
    const filtered = JSON.parse(
      (await run([...d, 'cases', ...ds, '--follows', 'check ticket>decide', '--sort=-duration'])).stdout,
    );
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThanOrEqual(summary.cases);
    const listed = JSON.parse((await run([...d, 'datasets', '--json'])).stdout);
    expect(listed.items.map((x: { name: string }) => x.name)).toEqual(['default', summary.dataset]);
    const first = filtered.items[0].id;
    const detail = JSON.parse(
      (await run([...d, 'case', first, '--dataset', summary.dataset, '--json'])).stdout,
    );
    expect(detail.events.length).toBe(filtered.items[0].events);
    const overview = JSON.parse((await run([...d, 'overview', ...ds])).stdout);
    expect(overview.tiles.find((t: { key: string }) => t.key === 'cases')).toBeDefined();
    const unknown = await run([...d, 'map', '--dataset', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no dataset "nope"/);
  });
});
