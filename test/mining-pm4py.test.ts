import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter, processMap, variants } from '../src/mining/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

/*
 * test/fixtures/mining/pm4py-running-example.csv is PM4Py's "running example" (van der Aalst's request
 * handling log, 6 cases, 42 events; its +01:00 times written in UTC) with two changes: in case 3
 * "examine thoroughly" is moved to the time of the "reinitiate request" before it (a tie: the file order
 * decides, in PM4Py — its dataframe is sorted by case, timestamp, then original index — as in Caseflow),
 * and a case 7 with the same trace as case 6 (so that one variant has two cases). 7 cases, 47 events;
 * "check ticket", "decide", "examine casually", "reinitiate request" repeat within cases 3 and 5.
 *
 * The figures PM4Py reports for it, derived by hand below:
 *   dfg, start, end = pm4py.discover_dfg(log)
 *   perf, start, end = pm4py.discover_performance_dfg(log)   # perf[(a, b)]['mean'], seconds
 *   pm4py.get_variants(log)                                   # {trace tuple: number of cases}
 * PM4Py's performance DFG measures (next event's timestamp − this event's timestamp) for every
 * directly-follows occurrence; the mean is over occurrences.
 *
 * Traces (r = register request, ec = examine casually, et = examine thoroughly, ct = check ticket,
 * d = decide, ri = reinitiate request, p = pay compensation, rj = reject request):
 *   1: r et ct d rj
 *   2: r ct ec d p
 *   3: r ec ct d ri et ct d p      (ri and et tie at 2011-01-06 11:18)
 *   4: r ct et d rj
 *   5: r ec ct d ri ct ec d ri ec ct d rj
 *   6: r ec ct d p
 *   7: r ec ct d p
 *
 * Directly-follows occurrences, their times (s) and the mean:
 *   ct→d  7: c1 01-05 14:12→01-06 10:18 = 20h06 = 72360; c3 12-30 15:34→01-06 08:18 = 6d16h44 = 578640;
 *            c3 01-08 10:43→01-09 08:55 = 22h12 = 79920; c5 01-08 10:22→01-10 12:28 = 2d02h06 = 180360;
 *            c5 01-21 10:34→01-23 12:12 = 2d01h38 = 178680; c6 15:22→15:52 = 1800; c7 09:00→12:00 = 10800
 *            sum 1102560 / 7 = 157508.571…
 *   ec→ct  5: c3 14:06→15:34 = 5280; c5 01-07 09:16→01-08 10:22 = 90360; c5 01-21 08:06→10:34 = 8880;
 *            c6 01-06 15:06→01-07 15:22 = 87360; c7 01-10 10:30→01-11 09:00 = 81000; sum 272880 / 5 = 54576
 *   d→p    4: c2 01-05 10:22→01-08 11:05 = 3d00h43 = 261780; c3 01-09 08:55→01-15 09:45 = 6d00h50 = 521400;
 *            c6 01-07 15:52→01-16 10:47 = 8d18h55 = 759300; c7 01-11 12:00→01-14 09:00 = 2d21h = 248400;
 *            sum 1790880 / 4 = 447720
 *   r→ec   4: c3 13:32→14:06 = 2040; c5 01-06 08:02→01-07 09:16 = 90840; c6 14:02→15:06 = 3840;
 *            c7 09:00→10:30 = 5400; sum 102120 / 4 = 25530
 *   d→ri   3: c3 08:18→11:18 = 10800; c5 01-10 12:28→01-11 15:18 = 96600; c5 01-19 10:18→01-20 11:48 = 91800;
 *            sum 199200 / 3 = 66400
 *   d→rj   3: c1 01-06 10:18→01-07 13:24 = 97560; c4 01-09 11:02→01-12 14:44 = 272520;
 *            c5 01-23 12:12→01-24 13:56 = 92640; sum 462720 / 3 = 154240
 *   ct→ec  2: c2 11:12→13:16 = 7440; c5 01-14 13:33→01-16 14:50 = 177420; sum 184860 / 2 = 92430
 *   ec→d   2: c2 12-30 13:16→01-05 10:22 = 5d21h06 = 507960; c5 01-16 14:50→01-19 10:18 = 242880;
 *            sum 750840 / 2 = 375420
 *   et→ct  2: c1 12-31 09:06→01-05 14:12 = 450360; c3 01-06 11:18→01-08 10:43 = 170700; sum 621060 / 2 = 310530
 *   r→ct   2: c2 10:32→11:12 = 2400; c4 01-06 14:02→01-07 11:06 = 75840; sum 78240 / 2 = 39120
 *   ct→et  1: c4 01-07 11:06→01-08 13:43 = 95820
 *   et→d   1: c4 01-08 13:43→01-09 11:02 = 76740
 *   r→et   1: c1 12-30 10:02→12-31 09:06 = 83040
 *   ri→ct  1: c5 01-11 15:18→01-14 13:33 = 252900
 *   ri→ec  1: c5 01-20 11:48→01-21 08:06 = 73080
 *   ri→et  1: c3 tie → 0
 *   (7 + 5 + 4 + 4 + 3 + 3 + 2·4 + 1·6 = 40 occurrences = 47 events − 7 cases)
 * Start activities: {register request: 7}; end activities: {pay compensation: 4 (c2, c3, c6, c7),
 * reject request: 3 (c1, c4, c5)}.
 * Variants: (r ec ct d p): 2 (cases 6, 7); each other case its own variant with 1 → 6 variants.
 */
const PM4PY_DFG: Record<string, [count: number, mean: number]> = {
  'check ticket>decide': [7, 1102560 / 7],
  'examine casually>check ticket': [5, 54576],
  'decide>pay compensation': [4, 447720],
  'register request>examine casually': [4, 25530],
  'decide>reinitiate request': [3, 66400],
  'decide>reject request': [3, 154240],
  'check ticket>examine casually': [2, 92430],
  'examine casually>decide': [2, 375420],
  'examine thoroughly>check ticket': [2, 310530],
  'register request>check ticket': [2, 39120],
  'check ticket>examine thoroughly': [1, 95820],
  'examine thoroughly>decide': [1, 76740],
  'register request>examine thoroughly': [1, 83040],
  'reinitiate request>check ticket': [1, 252900],
  'reinitiate request>examine casually': [1, 73080],
  'reinitiate request>examine thoroughly': [1, 0],
};
const PM4PY_START = { 'register request': 7 };
const PM4PY_END = { 'pay compensation': 4, 'reject request': 3 };
const PM4PY_VARIANTS: [string, number][] = [
  ['register request,examine casually,check ticket,decide,pay compensation', 2],
  ['register request,examine thoroughly,check ticket,decide,reject request', 1],
  ['register request,check ticket,examine casually,decide,pay compensation', 1],
  [
    'register request,examine casually,check ticket,decide,reinitiate request,examine thoroughly,check ticket,decide,pay compensation',
    1,
  ],
  ['register request,check ticket,examine thoroughly,decide,reject request', 1],
  [
    'register request,examine casually,check ticket,decide,reinitiate request,check ticket,examine casually,decide,reinitiate request,examine casually,check ticket,decide,reject request',
    1,
  ],
];

const CSV = path.resolve(import.meta.dirname, 'fixtures/mining/pm4py-running-example.csv');
let store: Store;
const filter = parseFilter({ dataset: 'pm4py' });

beforeAll(async () => {
  store = await openStore(mkdtempSync(path.join(tmpdir(), 'caseflow-pm4py-')));
  const lines = readFileSync(CSV, 'utf8').trim().split('\n').slice(1);
  const params: (string | number)[] = [];
  const tuples = lines.map((line, seq) => {
    const [caseId = '', activity = '', timestamp = ''] = line.split(',');
    params.push(caseId, activity, new Date(timestamp).toISOString().replace('T', ' ').replace('Z', ''), seq);
    const n = params.length;
    return `('pm4py', $${n - 3}, $${n - 2}, CAST($${n - 1} AS TIMESTAMP), NULL, NULL, $${n}, NULL)`;
  });
  await store.db.run(`INSERT INTO dataset_events VALUES ${tuples.join(', ')}`, params);
});
afterAll(() => store.close());

describe('Caseflow equals PM4Py on the running example', () => {
  it('discover_dfg: frequencies, start and end activities', async () => {
    const map = await processMap(store, filter);
    expect(map.cases).toBe(7);
    expect(map.events).toBe(47);
    const dfg = map.edges.filter((e) => e.from !== '__start__' && e.to !== '__end__');
    expect(Object.fromEntries(dfg.map((e) => [`${e.from}>${e.to}`, e.count]))).toEqual(
      Object.fromEntries(Object.entries(PM4PY_DFG).map(([k, [count]]) => [k, count])),
    );
    expect(
      Object.fromEntries(map.edges.filter((e) => e.from === '__start__').map((e) => [e.to, e.count])),
    ).toEqual(PM4PY_START);
    expect(
      Object.fromEntries(map.edges.filter((e) => e.to === '__end__').map((e) => [e.from, e.count])),
    ).toEqual(PM4PY_END);
    expect(Object.fromEntries(map.activities.map((a) => [a.name, a.start]).filter(([, n]) => n))).toEqual(
      PM4PY_START,
    );
  });

  it('discover_performance_dfg: mean seconds per edge', async () => {
    const map = await processMap(store, filter);
    for (const [key, [, mean]] of Object.entries(PM4PY_DFG)) {
      const [from, to] = key.split('>');
      const e = map.edges.find((x) => x.from === from && x.to === to);
      expect(e?.meanSeconds, key).toBeCloseTo(mean, 2);
    }
  });

  it('get_variants: traces and case counts', async () => {
    const v = await variants(store, filter, { pageSize: 50 });
    expect(v.total).toBe(6);
    expect(v.cases).toBe(7);
    expect(v.items[0]?.share).toBeCloseTo(2 / 7, 10);
    expect(
      v.items
        .map((i) => [i.activities.join(','), i.cases])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([...PM4PY_VARIANTS].sort((a, b) => a[0].localeCompare(b[0])));
    expect(v.items[0]?.activities.join(',')).toBe(PM4PY_VARIANTS[0]?.[0]);
  });
});
