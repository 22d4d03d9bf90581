import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_SCOPE } from '../src/access/index.ts';
import {
  bottlenecks,
  caseDetail,
  conformance,
  datasets,
  type FilterInput,
  handovers,
  listCases,
  type MapEdge,
  overview,
  parseFilter,
  processMap,
  variants,
} from '../src/mining/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

/** [case, activity, start, end?, resource?, attributes?] — start/end as ISO UTC; seq = position in the list. */
type Ev = [string, string, string, (string | null)?, (string | null)?, Record<string, unknown>?];

async function insertEvents(store: Store, dataset: string, events: Ev[]): Promise<void> {
  const params: (string | number | null)[] = [];
  const tuples = events.map(([caseId, activity, ts, end, resource, attributes], seq) => {
    const at = params.length;
    params.push(
      dataset,
      caseId,
      activity,
      sqlTime(ts),
      end ? sqlTime(end) : null,
      resource ?? null,
      seq,
      attributes ? JSON.stringify(attributes) : null,
    );
    const p = (i: number) => `$${at + i}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, CAST(${p(4)} AS TIMESTAMP), CAST(${p(5)} AS TIMESTAMP), ${p(6)}, ${p(7)}, ${p(8)})`;
  });
  await store.db.run(`INSERT INTO dataset_events VALUES ${tuples.join(', ')}`, params);
}

const sqlTime = (iso: string): string => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

/** Minutes after midnight UTC of 2024-01-<day>. */
const t = (day: number, minutes = 0): string => new Date(Date.UTC(2024, 0, day, 0, minutes)).toISOString();

/*
 * The 'unit' log (minutes after each case's start):
 *   c1 (Jan 1 00:00)  A 0, B 10 (ends at 15), C 30          trace A B C
 *   c2 (Jan 2 00:00)  A 0, B 20, C 1460 (Jan 3 00:20)       trace A B C
 *   c3 (Jan 3 06:00)  A 0, C 5                               trace A C
 *   c4 (Jan 4 00:00)  A 0, B 10, B 15 (ends at 18), C 25     trace A B B C (self-loop)
 *   c5 (Jan 5 00:00)  D 0                                    single event
 *   c6 (Jan 6 00:00)  A 0, C 10, B 10 (tie: file order)      trace A C B
 * Case durations (first start → last end): c1 1800 s, c2 87600, c3 300, c4 1500, c5 0, c6 600.
 */
const UNIT: Ev[] = [
  ['c1', 'A', t(1)],
  ['c1', 'B', t(1, 10), t(1, 15)],
  ['c1', 'C', t(1, 30)],
  ['c2', 'A', t(2)],
  ['c2', 'B', t(2, 20)],
  ['c2', 'C', t(2, 1460)],
  ['c3', 'A', t(3, 360), null, null, { 'case:region': 'north', cost: 5 }],
  ['c3', 'C', t(3, 365), null, 'bob', { 'case:region': 'north' }],
  ['c4', 'A', t(4)],
  ['c4', 'B', t(4, 10)],
  ['c4', 'B', t(4, 15), t(4, 18)],
  ['c4', 'C', t(4, 25)],
  ['c5', 'D', t(5)],
  ['c6', 'A', t(6)],
  ['c6', 'C', t(6, 10)],
  ['c6', 'B', t(6, 10)],
];

let store: Store;
const f = (input: FilterInput = {}) => parseFilter({ dataset: 'unit', ...input });
const edge = (edges: MapEdge[], from: string, to: string) =>
  edges.find((e) => e.from === from && e.to === to);
const ids = async (input: FilterInput) =>
  (await listCases(store, f(input), { sort: 'id' })).items.map((c) => c.id);

beforeAll(async () => {
  store = await openStore(mkdtempSync(path.join(tmpdir(), 'caseflow-mining-')));
  await insertEvents(store, 'unit', UNIT);
});
afterAll(() => store.close());

describe('process map', () => {
  it('counts the directly-follows graph with start and end edges', async () => {
    const map = await processMap(store, f());
    expect(map.cases).toBe(6);
    expect(map.events).toBe(16);
    expect(map.hidden).toEqual({ activities: 0, edges: 0 });
    const counts = Object.fromEntries(map.edges.map((e) => [`${e.from}>${e.to}`, [e.count, e.cases]]));
    expect(counts).toEqual({
      'A>B': [3, 3],
      'B>C': [3, 3],
      'A>C': [2, 2],
      'B>B': [1, 1], // the self-loop of c4
      'C>B': [1, 1], // the tie of c6, in file order
      '__start__>A': [5, 5],
      '__start__>D': [1, 1], // the single-event case: a start and an end edge, no DFG edge
      'C>__end__': [4, 4],
      'D>__end__': [1, 1],
      'B>__end__': [1, 1],
    });
    // sorted by count desc, then from, to
    expect(map.edges.map((e) => `${e.from}>${e.to}`).slice(0, 5)).toEqual([
      '__start__>A',
      'C>__end__',
      'A>B',
      'B>C',
      'A>C',
    ]);
  });

  it('computes edge times from start to start', async () => {
    const { edges } = await processMap(store, f());
    // A>B: c1 600, c2 1200, c4 600 → mean 800, median 600, p90 at (3−1)·0.9 = 1.8 → 600 + 0.8·600 = 1080
    expect(edge(edges, 'A', 'B')).toMatchObject({
      meanSeconds: 800,
      medianSeconds: 600,
      p90Seconds: 1080,
      maxSeconds: 1200,
    });
    // B>C: c1 1200, c2 86400 (B Jan 2 00:20 → C Jan 3 00:20), c4 600 → mean 88200/3 = 29400, median 1200,
    // p90 = 1200 + 0.8·(86400 − 1200) = 69360
    expect(edge(edges, 'B', 'C')).toMatchObject({
      meanSeconds: 29400,
      medianSeconds: 1200,
      p90Seconds: 69360,
      maxSeconds: 86400,
    });
    // A>C: c3 300, c6 600 → mean 450, median 450, p90 = 300 + 0.9·300 = 570
    expect(edge(edges, 'A', 'C')).toMatchObject({
      meanSeconds: 450,
      medianSeconds: 450,
      p90Seconds: 570,
      maxSeconds: 600,
    });
    expect(edge(edges, 'B', 'B')).toMatchObject({ meanSeconds: 300, maxSeconds: 300 });
    expect(edge(edges, 'C', 'B')).toMatchObject({ meanSeconds: 0, maxSeconds: 0 });
    expect(edge(edges, '__start__', 'A')).toMatchObject({ meanSeconds: 0, p90Seconds: 0 });
  });

  it('reports activities with durations and start/end counts', async () => {
    const { activities } = await processMap(store, f());
    expect(activities).toEqual([
      { name: 'A', events: 5, cases: 5, meanDuration: 0, medianDuration: 0, start: 5, end: 0 },
      // B's durations: c1 300, c2 0, c4 0 and 180, c6 0 → mean 96, median 0
      { name: 'B', events: 5, cases: 4, meanDuration: 96, medianDuration: 0, start: 0, end: 1 },
      { name: 'C', events: 5, cases: 5, meanDuration: 0, medianDuration: 0, start: 0, end: 4 },
      { name: 'D', events: 1, cases: 1, meanDuration: 0, medianDuration: 0, start: 1, end: 1 },
    ]);
  });

  it('hides activities and recomputes the edges over the projected traces', async () => {
    // 50 % of 4 activities = 2: A, B (5 events each, like C; ties by name). Projected traces:
    // c1 A B, c2 A B, c3 A, c4 A B B, c5 (nothing), c6 A B (A 00:00 → B 00:10)
    const map = await processMap(store, f(), { activities: 50 });
    expect(map.activities.map((a) => [a.name, a.start, a.end])).toEqual([
      ['A', 5, 1],
      ['B', 0, 4],
    ]);
    expect(map.hidden).toEqual({ activities: 2, edges: 0 });
    expect(map.edges.map((e) => [`${e.from}>${e.to}`, e.count])).toEqual([
      ['__start__>A', 5],
      ['A>B', 4],
      ['B>__end__', 4],
      ['A>__end__', 1],
      ['B>B', 1],
    ]);
    // A>B: c1 600, c2 1200, c4 600, c6 600 → mean 750, median 600, p90 at 2.7 → 600 + 0.7·600 = 1020
    expect(edge(map.edges, 'A', 'B')).toMatchObject({
      cases: 4,
      meanSeconds: 750,
      medianSeconds: 600,
      p90Seconds: 1020,
    });
    // at least one activity is always kept
    const one = await processMap(store, f(), { activities: 0 });
    expect(one.activities.map((a) => a.name)).toEqual(['A']);
    expect(one.edges.map((e) => `${e.from}>${e.to}:${e.count}`)).toEqual(['A>__end__:5', '__start__>A:5']);
  });

  it('keeps the most frequent paths without disconnecting an activity', async () => {
    // 10 edges. 50 % → 5: ▶>A 5, C>■ 4, A>B 3, B>C 3, A>C 2; plus the strongest edges of D (▶>D, D>■)
    const half = await processMap(store, f(), { paths: 50 });
    expect(half.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      ['A>B', 'A>C', 'B>C', 'C>__end__', 'D>__end__', '__start__>A', '__start__>D'].sort(),
    );
    expect(half.hidden).toEqual({ activities: 0, edges: 3 });
    // 0 % → only each activity's strongest in and out: A (▶>A, A>B), B (A>B, B>C), C (B>C, C>■), D
    const none = await processMap(store, f(), { paths: 0 });
    expect(none.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      ['A>B', 'B>C', 'C>__end__', 'D>__end__', '__start__>A', '__start__>D'].sort(),
    );
    expect(none.hidden.edges).toBe(4);
    expect(none.activities).toHaveLength(4);
  });
});

describe('variants', () => {
  it('groups cases by trace, most frequent first, with durations', async () => {
    const v = await variants(store, f(), { page: 1, pageSize: 10 });
    expect(v.total).toBe(5);
    expect(v.cases).toBe(6);
    expect(v.items[0]).toMatchObject({ activities: ['A', 'B', 'C'], cases: 2 });
    expect(v.items[0]?.share).toBeCloseTo(2 / 6, 10);
    // c1 1800 s and c2 87600 s
    expect(v.items[0]).toMatchObject({ meanDuration: 44700, medianDuration: 44700 });
    expect(
      v.items
        .slice(1)
        .map((i) => i.activities.join(''))
        .sort(),
    ).toEqual(['ABBC', 'AC', 'ACB', 'D']);
    expect(v.items.slice(1).every((i) => i.cases === 1)).toBe(true);
    const rest = v.items.slice(1).map((i) => i.variant);
    expect(rest).toEqual([...rest].sort()); // ties by id
    expect(v.items.find((i) => i.activities.join('') === 'D')).toMatchObject({ meanDuration: 0 });
  });

  it('pages', async () => {
    const all = await variants(store, f(), { pageSize: 10 });
    const page2 = await variants(store, f(), { page: 2, pageSize: 2 });
    expect(page2.total).toBe(5);
    expect(page2.items.map((i) => i.variant)).toEqual(all.items.slice(2, 4).map((i) => i.variant));
    expect((await variants(store, f(), { page: 9, pageSize: 2 })).items).toEqual([]);
  });

  it('gives ids the variant filter accepts', async () => {
    const v = await variants(store, f());
    const abc = v.items[0]?.variant ?? '';
    expect(await ids({ variant: abc })).toEqual(['c1', 'c2']);
    const acb = v.items.find((i) => i.activities.join('') === 'ACB')?.variant ?? '';
    expect(await ids({ variant: `${abc},${acb}` })).toEqual(['c1', 'c2', 'c6']);
  });
});

describe('filters', () => {
  it('date range on the case start or on any event', async () => {
    const range = { from: '2024-01-03', to: '2024-01-04' };
    expect(await ids({ ...range, dateMode: 'start' })).toEqual(['c3']);
    // c2's C (Jan 3 00:20) is in the range
    expect(await ids({ ...range, dateMode: 'any' })).toEqual(['c2', 'c3']);
    expect(await ids({ from: '2024-01-05T00:00:00Z' })).toEqual(['c5', 'c6']);
    expect(await ids({ to: '2024-01-02T00:00:00.001Z' })).toEqual(['c1', 'c2']);
  });

  it('activity: cases containing every listed activity', async () => {
    expect(await ids({ activity: 'B' })).toEqual(['c1', 'c2', 'c4', 'c6']);
    expect(await ids({ activity: 'D' })).toEqual(['c5']);
    expect(await ids({ activity: 'B,D' })).toEqual([]);
  });

  it('follows: directly follows', async () => {
    expect(await ids({ follows: 'A>C' })).toEqual(['c3', 'c6']);
    expect(await ids({ follows: 'C>B' })).toEqual(['c6']);
    expect(await ids({ follows: 'B>B' })).toEqual(['c4']);
    expect(await ids({ follows: ['A>B', 'B>B'] })).toEqual(['c4']);
    expect(await ids({ follows: 'B>A' })).toEqual([]);
    await expect(ids({ follows: 'A>B>C' })).rejects.toThrow(/not "X>Y"/);
    await expect(ids({ follows: 'A>' })).rejects.toThrow(/not "X>Y"/);
  });

  it('min/max duration', async () => {
    expect(await ids({ minDuration: 1500 })).toEqual(['c1', 'c2', 'c4']);
    expect(await ids({ maxDuration: 600 })).toEqual(['c3', 'c5', 'c6']);
    expect(await ids({ minDuration: 500, maxDuration: 2000 })).toEqual(['c1', 'c4', 'c6']);
  });

  it('applies to the process map', async () => {
    const map = await processMap(store, f({ follows: 'A>C' }));
    expect(map.cases).toBe(2);
    expect(map.events).toBe(5);
    expect(edge(map.edges, 'C', 'B')?.count).toBe(1);
    expect(edge(map.edges, 'A', 'B')).toBeUndefined();
  });

  it('Genesys-only filters keep nothing; an unknown dataset is an error, not an empty log', async () => {
    expect((await processMap(store, f({ mediaType: 'chat' }))).cases).toBe(0);
    await expect(processMap(store, parseFilter({ dataset: 'nothing' }))).rejects.toThrow(
      /no dataset "nothing"/,
    );
  });
});

describe('cases', () => {
  it('lists, sorts and pages', async () => {
    const byDuration = await listCases(store, f(), { sort: '-duration' });
    expect(byDuration.total).toBe(6);
    expect(byDuration.items.map((c) => [c.id, c.duration])).toEqual([
      ['c2', 87600],
      ['c1', 1800],
      ['c4', 1500],
      ['c6', 600],
      ['c3', 300],
      ['c5', 0],
    ]);
    const byEvents = await listCases(store, f(), { sort: '-events' });
    expect(byEvents.items.map((c) => c.id)).toEqual(['c4', 'c1', 'c2', 'c6', 'c3', 'c5']);
    const page = await listCases(store, f(), { sort: 'id', page: 2, pageSize: 2 });
    expect(page.total).toBe(6);
    expect(page.items.map((c) => c.id)).toEqual(['c3', 'c4']);
    expect((await listCases(store, f(), { sort: '-start', pageSize: 1 })).items[0]?.id).toBe('c6');
    expect(page.items[0]).toEqual({
      id: 'c3',
      start: '2024-01-03T06:00:00.000Z',
      end: '2024-01-03T06:05:00.000Z',
      duration: 300,
      events: 2,
      variant: expect.stringMatching(/^[0-9a-f]{12}$/),
      requestType: null,
      mediaType: null,
      slaCompliant: null,
      reopened: null,
      fcr: null,
      csat: null,
    });
  });

  it('shows one case with its timeline', async () => {
    const c6 = await caseDetail(store, 'unit', 'c6', FULL_SCOPE);
    expect(c6).toMatchObject({ id: 'c6', activities: ['A', 'C', 'B'], duration: 600, conversations: [] });
    const v = await variants(store, f());
    expect(c6?.variant).toBe(v.items.find((i) => i.activities.join('') === 'ACB')?.variant);
    const c3 = await caseDetail(store, 'unit', 'c3', FULL_SCOPE);
    expect(c3?.attributes).toEqual({ 'case:region': 'north' });
    expect(c3?.events).toEqual([
      {
        ActivityName: 'A',
        EventTime: '2024-01-03T06:00:00.000Z',
        EventEndTime: null,
        Duration: null,
        Resource: null,
        attributes: { 'case:region': 'north', cost: 5 },
      },
      {
        ActivityName: 'C',
        EventTime: '2024-01-03T06:05:00.000Z',
        EventEndTime: null,
        Duration: null,
        Resource: 'bob',
        attributes: { 'case:region': 'north' },
      },
    ]);
    expect((await caseDetail(store, 'unit', 'c1', FULL_SCOPE))?.events[1]).toMatchObject({
      ActivityName: 'B',
      Duration: 300,
    });
    expect(await caseDetail(store, 'unit', 'nope', FULL_SCOPE)).toBeNull();
    expect(await caseDetail(store, 'default', 'c1', FULL_SCOPE)).toBeNull();
  });
});

describe('bottlenecks', () => {
  it('ranks waiting time by activity and transition', async () => {
    const b = await bottlenecks(store, f());
    // waits before C: B>C 1200 + 86400 + 600, A>C 300 + 600 = 89100 over 5; before B: A>B 600 + 1200 + 600,
    // B>B 300, C>B 0 = 2700 over 5. A and D are never preceded.
    expect(b.activities).toEqual([
      { name: 'C', count: 5, totalWait: 89100, meanWait: 17820 },
      { name: 'B', count: 5, totalWait: 2700, meanWait: 540 },
    ]);
    expect(b.transitions).toEqual([
      { from: 'B', to: 'C', count: 3, totalSeconds: 88200, meanSeconds: 29400 },
      { from: 'A', to: 'B', count: 3, totalSeconds: 2400, meanSeconds: 800 },
      { from: 'A', to: 'C', count: 2, totalSeconds: 900, meanSeconds: 450 },
      { from: 'B', to: 'B', count: 1, totalSeconds: 300, meanSeconds: 300 },
      { from: 'C', to: 'B', count: 1, totalSeconds: 0, meanSeconds: 0 },
    ]);
    expect(b.slaBreaches).toEqual([]);
  });
});

describe('handovers', () => {
  it('pairs each transfer with the next accept of the same case, or the consulted agent', async () => {
    const T = 'Interaction Transferred';
    const A = 'Agent Accepted Interaction';
    await insertEvents(store, 'handover', [
      ['h1', A, t(1), null, 'alice'],
      ['h1', T, t(1, 1), null, 'alice'],
      ['h1', 'Interaction Offered to Agent', t(1, 1), null, 'bob'],
      ['h1', A, t(1, 2), null, 'bob'], // alice → bob after 60 s
      ['h1', T, t(1, 5), null, 'bob'],
      ['h1', A, t(1, 7), null, 'carol'], // bob → carol after 120 s
      ['h2', A, t(2), null, 'alice'],
      ['h2', T, t(2, 10), null, 'alice'],
      ['h2', A, t(2, 12), null, 'bob'], // alice → bob after 120 s
      ['h3', T, t(3), null, 'dave'], // nobody accepts: left out
      ['h4', A, t(4), t(4, 10), 'alice'],
      ['h4', A, t(4, 3), t(4, 20), 'bob'], // consult: bob is still connected when alice transfers
      ['h4', T, t(4, 5), null, 'alice'], // alice → bob, delay 0
      ['h5', A, t(5), t(5, 30), 'alice'],
      ['h5', A, t(5, 2), t(5, 4), 'bob'], // a consult that ended before the transfer
      ['h5', T, t(5, 10), null, 'alice'],
      ['h5', A, t(5, 12), null, 'carol'], // alice → carol after 120 s
    ]);
    const h = await handovers(store, parseFilter({ dataset: 'handover' }), 'agent');
    expect(h).toEqual({
      kind: 'agent',
      nodes: ['alice', 'bob', 'carol'],
      cells: [
        { from: 'alice', to: 'bob', count: 3, meanDelay: 60 }, // (60 + 120 + 0) / 3
        { from: 'alice', to: 'carol', count: 1, meanDelay: 120 },
        { from: 'bob', to: 'carol', count: 1, meanDelay: 120 },
      ],
    });
    expect((await handovers(store, parseFilter({ dataset: 'handover' }), 'queue')).cells).toEqual([]);
  });
});

describe('conformance', () => {
  const mining = {
    designedFlow: {
      start: ['A'],
      end: ['C'],
      follows: [
        ['A', 'B'],
        ['B', 'C'],
        ['A', 'C'],
      ] as [string, string][],
      required: ['C'],
    },
    designedFlowByType: {},
  };

  it('checks every case against the designed flow', async () => {
    const c = await conformance(store, f(), mining, { pageSize: 10 });
    // c1, c2 (A B C) and c3 (A C) fit; c4 has B>B; c5 starts and ends with D and lacks C; c6 has C>B, ends with B
    expect(c).toMatchObject({ cases: 6, fitting: 3, share: 0.5 });
    expect(c.deviations).toEqual([
      { kind: 'start', detail: 'D', cases: 1 },
      { kind: 'end', detail: 'B', cases: 1 },
      { kind: 'end', detail: 'D', cases: 1 },
      { kind: 'transition', detail: 'B>B', cases: 1 },
      { kind: 'transition', detail: 'C>B', cases: 1 },
      { kind: 'missing', detail: 'C', cases: 1 },
    ]);
    expect(c.items.map((i) => [i.id, i.fitting])).toEqual([
      ['c1', true],
      ['c2', true],
      ['c3', true],
      ['c4', false],
      ['c5', false],
      ['c6', false],
    ]);
    expect(c.items[4]?.deviations).toEqual([
      { kind: 'start', detail: 'D' },
      { kind: 'end', detail: 'D' },
      { kind: 'missing', detail: 'C' },
    ]);
    expect(c.items[0]?.deviations).toEqual([]);
  });

  it('counts a deviation once per case, treats empty start/end as unconstrained, pages', async () => {
    const loose = {
      designedFlow: { start: [], end: [], follows: [['A', 'B']] as [string, string][], required: [] },
      designedFlowByType: {},
    };
    const c = await conformance(store, f(), loose, { page: 2, pageSize: 4 });
    // only c5 (D alone: no transition) fits; B>C is in c1, c2 and c4
    expect(c).toMatchObject({ cases: 6, fitting: 1 });
    expect(c.deviations[0]).toEqual({ kind: 'transition', detail: 'B>C', cases: 3 });
    expect(c.items.map((i) => i.id)).toEqual(['c5', 'c6']);
  });
});

describe('overview', () => {
  it('compares the last 30 days of data with the 30 before', async () => {
    const o = await overview(store, f(), 'UTC');
    // last event Jan 6 00:10 → period [Dec 8, Jan 7), previous [Nov 8, Dec 8)
    expect(o.period).toEqual({ from: '2023-12-08T00:00:00.000Z', to: '2024-01-07T00:00:00.000Z' });
    expect(o.previous).toEqual({ from: '2023-11-08T00:00:00.000Z', to: '2023-12-08T00:00:00.000Z' });
    const tiles = Object.fromEntries(o.tiles.map((x) => [x.key, [x.value, x.previous]]));
    // median of 0, 300, 600, 1500, 1800, 87600 = (600 + 1500) / 2
    expect(tiles).toEqual({
      cases: [6, 0],
      slaPct: [null, null],
      fcrPct: [null, null],
      reopenPct: [null, null],
      medianResolution: [1050, null],
      aht: [null, null],
      csat: [null, null],
    });
    expect(o.trend).toHaveLength(30);
    expect(o.trend[0]).toEqual({ day: '2023-12-08', cases: 0, slaPct: null, fcrPct: null });
    expect(o.trend.slice(-6).map((d) => [d.day, d.cases])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 1],
      ['2024-01-03', 1],
      ['2024-01-04', 1],
      ['2024-01-05', 1],
      ['2024-01-06', 1],
    ]);
    expect(o.byMediaType).toEqual([]);
    expect(o.byRequestType).toEqual([]);
  });

  it('uses the filter range and a previous period of equal length', async () => {
    const o = await overview(store, f({ from: '2024-01-02', to: '2024-01-04' }), 'UTC');
    expect(o.previous).toEqual({ from: '2023-12-31T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' });
    expect(o.tiles.find((x) => x.key === 'cases')).toEqual({ key: 'cases', value: 2, previous: 1 });
    expect(o.trend.map((d) => [d.day, d.cases])).toEqual([
      ['2024-01-02', 1],
      ['2024-01-03', 1],
    ]);
  });

  it('buckets days in the organization time zone', async () => {
    // New York is UTC−5 in January: c1 (Jan 1 00:00Z) starts Dec 31 19:00 local, c2 Jan 1 19:00, c3 (Jan 3
    // 06:00Z) Jan 3 01:00, c4 (Jan 4 00:00Z) Jan 3 19:00, c5 Jan 4 19:00, c6 Jan 5 19:00. The last event
    // (Jan 6 00:10Z) is on Jan 5 local: the period ends at Jan 6 00:00 local = 05:00Z.
    const o = await overview(store, f(), 'America/New_York');
    expect(o.period).toEqual({ from: '2023-12-07T05:00:00.000Z', to: '2024-01-06T05:00:00.000Z' });
    expect(o.trend.slice(-6).map((d) => [d.day, d.cases])).toEqual([
      ['2023-12-31', 1],
      ['2024-01-01', 1],
      ['2024-01-02', 0],
      ['2024-01-03', 2],
      ['2024-01-04', 1],
      ['2024-01-05', 1],
    ]);
  });

  it('crosses a daylight-saving change', async () => {
    // Paris: CET (UTC+1) until 2024-03-31 01:00Z, then CEST (UTC+2)
    await insertEvents(store, 'dst', [
      ['d1', 'A', '2024-03-30T23:30:00Z'], // Mar 31 00:30 CET
      ['d2', 'A', '2024-03-31T21:59:00Z'], // Mar 31 23:59 CEST
      ['d3', 'A', '2024-03-31T22:30:00Z'], // Apr 1 00:30 CEST
    ]);
    const o = await overview(store, parseFilter({ dataset: 'dst' }), 'Europe/Paris');
    // to = Apr 2 00:00 CEST = Apr 1 22:00Z; from = Mar 3 00:00 CET = Mar 2 23:00Z
    expect(o.period).toEqual({ from: '2024-03-02T23:00:00.000Z', to: '2024-04-01T22:00:00.000Z' });
    expect(o.trend.filter((d) => d.cases > 0).map((d) => [d.day, d.cases])).toEqual([
      ['2024-03-31', 2],
      ['2024-04-01', 1],
    ]);
    expect(o.trend.at(-1)?.day).toBe('2024-04-01');
    expect(o.trend[0]?.day).toBe('2024-03-03');
  });
});

describe('datasets', () => {
  it('lists default first, then the imported datasets', async () => {
    await store.db.run(
      `INSERT INTO datasets VALUES ('unit', 'csv', 'unit.csv', TIMESTAMP '2024-02-01 10:00:00', 16, 6)`,
    );
    const d = await datasets(store);
    expect(d.items).toEqual([
      { name: 'default', format: 'genesys', source: null, importedAt: null, events: 0, cases: 0 },
      {
        name: 'unit',
        format: 'csv',
        source: 'unit.csv',
        importedAt: '2024-02-01T10:00:00.000Z',
        events: 16,
        cases: 6,
      },
    ]);
  });
});
