import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { ATTRIBUTES } from '../src/eventlog/index.ts';
import { buildApp } from '../src/server/index.ts';
import type { Store } from '../src/store/index.ts';
import { scenarioStore } from './support.ts';

describe('HTTP API', () => {
  let store: Store;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    store = await scenarioStore();
    app = await buildApp({ store, config: parseConfig({}) });
  });
  afterAll(async () => {
    await app.close();
    store.close();
  });

  it('reports health with what is loaded', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.events).toBe(await store.countEvents());
    expect(body.cases).toBe((await store.readCases()).length);
  });

  it('lists the values each filter can take, and the organization time zone', async () => {
    const f = (await app.inject({ url: '/api/v1/facets' })).json();
    expect(f.mediaType).toEqual(expect.arrayContaining(['voice', 'chat', 'email']));
    expect(f.activity).toContain('Interaction Started');
    expect([...f.queue].sort()).toEqual(f.queue);
    expect((await app.inject({ url: '/api/v1/health' })).json().timeZone).toBe('UTC');
  });

  it('pages the event log in order, with the 20 attributes', async () => {
    const all = await store.readEventLog();
    const first = (await app.inject({ url: '/api/v1/eventlog?page=1&pageSize=10' })).json();
    const second = (await app.inject({ url: '/api/v1/eventlog?page=2&pageSize=10' })).json();
    expect(first.total).toBe(all.length);
    expect(first.items).toHaveLength(10);
    expect(Object.keys(first.items[0])).toEqual([...ATTRIBUTES]);
    expect([...first.items, ...second.items]).toEqual(all.slice(0, 20));
  });

  it('filters the event log by date range', async () => {
    const res = (
      await app.inject({ url: '/api/v1/eventlog?from=2024-03-05&to=2024-03-06&pageSize=500' })
    ).json();
    expect(res.total).toBeGreaterThan(0);
    for (const row of res.items) expect(row.EventTime.startsWith('2024-03-05')).toBe(true);
  });

  it('refuses bad query parameters with a message naming them', async () => {
    const res = await app.inject({ url: '/api/v1/eventlog?pageSize=0&from=yesterday' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/pageSize/);
    const res2 = await app.inject({ url: '/api/v1/eventlog?from=not-a-date' });
    expect(res2.statusCode).toBe(400);
    expect(res2.json().message).toMatch(/from/);
  });

  it('serves KPIs consistent with the cases', async () => {
    const kpis = (await app.inject({ url: '/api/v1/kpis' })).json();
    const cases = await store.readCases();
    expect(kpis.cases).toBe(cases.length);
    const fcr = (100 * cases.filter((c) => c.IsFirstContactResolution).length) / cases.length;
    expect(kpis.firstContactResolutionPct).toBeCloseTo(fcr, 1);
    expect(kpis.byMediaType.reduce((n: number, m: { cases: number }) => n + m.cases, 0)).toBe(cases.length);
  });

  it('publishes the OpenAPI document with every v1 route', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/health', '/api/v1/kpis', '/api/v1/eventlog']),
    );
  });

  it('serves a status page saying what is loaded, in English and French', async () => {
    const en = await app.inject({ url: '/status' });
    expect(en.headers['content-type']).toMatch(/text\/html/);
    expect(en.body).toContain('Service requests');
    const fr = await app.inject({ url: '/status', headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(fr.body).toContain('Demandes de service');
  });

  it('serves the dashboard at / and for deep links, JSON 404 under /api', async () => {
    const root = (await app.inject({ url: '/' })).body;
    expect(root).toMatch(/<div id="root">|<script type="module"/);
    expect((await app.inject({ url: '/cases/SR-1?dataset=default' })).body).toBe(root);
    const missing = await app.inject({ url: '/api/v1/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/no route/);
  });
});

describe('HTTP API languages', () => {
  it('gives ActivityName in French with lang=fr', async () => {
    const store = await scenarioStore();
    const app = await buildApp({ store, config: parseConfig({}) });
    const fr = (await app.inject({ url: '/api/v1/eventlog?pageSize=1&lang=fr' })).json();
    expect(fr.items[0].ActivityName).toBe('Interaction Commencée');
    await app.close();
    store.close();
  });
});
