import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import { defaultConfig } from '../src/config/index.ts';
import type { EventLogRow } from '../src/eventlog/index.ts';
import { computeKpis } from '../src/eventlog/index.ts';
import {
  bottlenecks,
  caseDetail,
  conformance,
  datasets,
  type FilterInput,
  handovers,
  listCases,
  overview,
  parseFilter,
  processMap,
  variants,
} from '../src/mining/index.ts';
import type { CaseSummary, Store } from '../src/store/index.ts';
import { scenarioStore } from './support.ts';

/** The `default` dataset: the event log derived from the Genesys scenario fixtures (a- … o-). */
let store: Store;
let cases: CaseSummary[];
let log: EventLogRow[];

beforeAll(async () => {
  store = await scenarioStore();
  cases = await store.readCases();
  log = await store.readEventLog();
});
afterAll(() => store.close());

const f = (input: FilterInput = {}) => parseFilter(input);
const ids = async (input: FilterInput) =>
  (await listCases(store, f(input), { sort: 'id', pageSize: 1000 })).items.map((c) => c.id);
const casesWithEvent = (test: (e: EventLogRow) => boolean) =>
  [...new Set(log.filter(test).map((e) => e.ServiceRequest))].sort();

describe('mining on the Genesys-derived log', () => {
  it('sees every case and event', async () => {
    expect(cases.length).toBeGreaterThan(10);
    const map = await processMap(store, f());
    expect(map.cases).toBe(cases.length);
    expect(map.events).toBe(log.length);
    const starts = map.edges.filter((e) => e.from === '__start__');
    expect(starts.reduce((n, e) => n + e.count, 0)).toBe(cases.length);
    expect(map.activities.reduce((n, a) => n + a.events, 0)).toBe(log.length);
    // every edge count, recomputed from the event log's order
    const expected = new Map<string, number>();
    for (let i = 1; i < log.length; i++) {
      const [a, b] = [log[i - 1], log[i]];
      if (a && b && a.ServiceRequest === b.ServiceRequest) {
        const key = `${a.ActivityName}>${b.ActivityName}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const dfg = map.edges.filter((e) => e.from !== '__start__' && e.to !== '__end__');
    expect(Object.fromEntries(dfg.map((e) => [`${e.from}>${e.to}`, e.count]))).toEqual(
      Object.fromEntries(expected),
    );
  });

  it('filters by the Genesys attributes', async () => {
    expect(await ids({})).toEqual(cases.map((c) => c.ServiceRequest).sort());
    const chat = await ids({ mediaType: 'chat' });
    expect(chat).toEqual(casesWithEvent((e) => e.MediaType === 'chat'));
    expect(chat.length).toBeGreaterThan(0);
    expect(await ids({ mediaType: 'chat,email' })).toEqual(
      casesWithEvent((e) => e.MediaType === 'chat' || e.MediaType === 'email'),
    );
    expect(await ids({ queue: 'Email Support' })).toEqual(
      casesWithEvent((e) => e.QueueName === 'Email Support'),
    );
    expect(await ids({ agent: 'Alice Martin' })).toEqual(
      casesWithEvent((e) => e.AgentName === 'Alice Martin'),
    );
    const byCase = (test: (c: CaseSummary) => boolean) =>
      cases
        .filter(test)
        .map((c) => c.ServiceRequest)
        .sort();
    expect(await ids({ requestType: 'Billing inquiry' })).toEqual(
      byCase((c) => c.ServiceRequestType === 'Billing inquiry'),
    );
    expect(await ids({ slaCompliant: 'false' })).toEqual(byCase((c) => c.IsSlaCompliant === false));
    expect(await ids({ slaCompliant: true })).toEqual(byCase((c) => c.IsSlaCompliant === true));
    expect(await ids({ reopened: 'true' })).toEqual(byCase((c) => c.IsReopened));
    expect(await ids({ fcr: 'true' })).toEqual(byCase((c) => c.IsFirstContactResolution));
    expect((await ids({ reopened: 'true' })).length).toBeGreaterThan(0);
  });

  it('lists cases with their attributes', async () => {
    const list = await listCases(store, f(), { sort: 'id', pageSize: 1000 });
    expect(list.total).toBe(cases.length);
    for (const item of list.items) {
      const c = cases.find((x) => x.ServiceRequest === item.id);
      expect(item).toMatchObject({
        requestType: c?.ServiceRequestType,
        mediaType: c?.MediaType,
        slaCompliant: c?.IsSlaCompliant,
        reopened: c?.IsReopened,
        fcr: c?.IsFirstContactResolution,
        csat: c?.CustomerSatisfactionScore,
        start: c?.FirstContact,
        events: log.filter((e) => e.ServiceRequest === item.id).length,
      });
    }
  });

  it('shows each case as the event log has it', async () => {
    const v = await variants(store, f(), { pageSize: 100 });
    expect(v.cases).toBe(cases.length);
    expect(v.items.reduce((n, i) => n + i.cases, 0)).toBe(cases.length);
    for (const c of cases) {
      const detail = await caseDetail(store, 'default', c.ServiceRequest, FULL_SCOPE);
      const events = log.filter((e) => e.ServiceRequest === c.ServiceRequest);
      expect(detail?.events).toEqual(events);
      expect(detail?.conversations).toEqual(c.conversations);
      expect(detail?.attributes).toMatchObject({
        ServiceRequestType: c.ServiceRequestType,
        MediaType: c.MediaType,
        FirstContact: c.FirstContact,
        ResolvedAt: c.ResolvedAt,
        IsSlaCompliant: c.IsSlaCompliant,
        CustomerSatisfactionScore: c.CustomerSatisfactionScore,
      });
      expect(detail?.activities).toEqual(events.map((e) => e.ActivityName));
      // its variant is listed with the same activities
      expect(v.items.find((i) => i.variant === detail?.variant)?.activities).toEqual(detail?.activities);
    }
  });

  it('hands over work between agents and queues', async () => {
    // b (blind, Billing → Technical Support), o (transfer without disconnect type), d (consult): Alice → Bruno;
    // c: blind transfer to a user the directory does not name
    expect(await handovers(store, f(), 'queue')).toEqual({
      kind: 'queue',
      nodes: ['Billing', 'Technical Support'],
      cells: [{ from: 'Billing', to: 'Technical Support', count: 2, meanDelay: 0 }],
    });
    const agents = await handovers(store, f(), 'agent');
    // b 10:04:00 → 10:05:40 = 100 s, o 17:03:00 → 17:04:05 = 65 s, d consult 0 → mean 55
    expect(agents.cells[0]).toEqual({ from: 'Alice Martin', to: 'Bruno Leroy', count: 3, meanDelay: 55 });
    expect(agents.cells).toHaveLength(2);
  });

  it('reports SLA breaches of resolved cases', async () => {
    const b = await bottlenecks(store, f());
    const resolved = cases.filter((c) => c.IsSlaCompliant !== null);
    const byMedia = b.slaBreaches.filter((x) => x.by === 'mediaType');
    expect(byMedia.reduce((n, x) => n + x.cases, 0)).toBe(resolved.length);
    expect(byMedia.reduce((n, x) => n + x.breached, 0)).toBe(
      resolved.filter((c) => !c.IsSlaCompliant).length,
    );
    const billing = b.slaBreaches.find((x) => x.by === 'requestType' && x.value === 'Billing inquiry');
    const billingCases = resolved.filter((c) => c.ServiceRequestType === 'Billing inquiry');
    expect(billing).toMatchObject({
      cases: billingCases.length,
      breached: billingCases.filter((c) => !c.IsSlaCompliant).length,
    });
    expect(b.activities.length).toBeGreaterThan(0);
    expect(b.transitions.length).toBeGreaterThan(0);
  });

  it('checks conformance per request type', async () => {
    const config = defaultConfig().mining;
    const plain = await conformance(store, f(), config);
    expect(plain.cases).toBe(cases.length);
    expect(plain.deviations.some((d) => d.kind === 'start')).toBe(false); // every case starts "Interaction Started"
    const billing = cases.filter((c) => c.ServiceRequestType === 'Billing inquiry').length;
    const byType = await conformance(store, f(), {
      ...config,
      designedFlowByType: { 'Billing inquiry': { ...config.designedFlow, start: ['Something Else'] } },
    });
    expect(byType.deviations.find((d) => d.kind === 'start')).toEqual({
      kind: 'start',
      detail: 'Interaction Started',
      cases: billing,
    });
  });

  it('gives the KPI report figures in the overview', async () => {
    const kpis = await computeKpis(store);
    const o = await overview(store, f(), 'Europe/Paris');
    const tile = (key: string) => o.tiles.find((x) => x.key === key)?.value;
    // the fixtures span less than 30 days: every case is in the default period
    expect(tile('cases')).toBe(kpis.cases);
    expect(tile('slaPct')).toBe(kpis.slaCompliancePct);
    expect(tile('fcrPct')).toBe(kpis.firstContactResolutionPct);
    expect(tile('reopenPct')).toBe(kpis.reopenPct);
    expect(tile('medianResolution')).toBe(kpis.medianServiceResolutionTime);
    expect(tile('aht')).toBeCloseTo(kpis.meanHandleTime ?? Number.NaN, 1);
    expect(tile('csat')).toBe(kpis.meanCsat);
    expect(o.trend.reduce((n, d) => n + d.cases, 0)).toBe(kpis.cases);
    expect(o.byMediaType.map((b) => [b.value, b.cases, b.slaPct, b.fcrPct])).toEqual(
      kpis.byMediaType
        .filter((k) => k.cases > 0)
        .map((k) => [k.mediaType, k.cases, k.slaCompliancePct, k.firstContactResolutionPct]),
    );
    expect(o.byRequestType.reduce((n, b) => n + b.cases, 0)).toBe(kpis.cases);
    const chat = await overview(store, f({ mediaType: 'chat' }), 'Europe/Paris');
    expect(chat.tiles.find((x) => x.key === 'cases')?.value).toBe((await ids({ mediaType: 'chat' })).length);
  });

  it('lists the default dataset', async () => {
    expect((await datasets(store)).items).toEqual([
      {
        name: 'default',
        format: 'genesys',
        source: 'GenesysCloudCX',
        importedAt: null,
        events: log.length,
        cases: cases.length,
      },
    ]);
  });
});
