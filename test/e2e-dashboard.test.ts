/**
 * End to end, in real headless Chromium: the dashboard on `caseflow serve --demo` (fresh data
 * directory). Overview → process map → frequency/performance → channel filter from the filter bar →
 * an edge's figures → the cases behind it → one case. Every figure the dashboard shows is checked
 * against the API's answer for the same filter. Screenshots of each step go to
 * test-artifacts/e2e-dashboard/ (a failing step leaves NN-step-FAILED.png next to the earlier ones).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, type RunningServer, startDemoServer } from './browser.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-dashboard');
const START = '__start__';
const END = '__end__';
const CHANNEL = 'chat';

// The parts of the API's answers (docs/mining-api.md) this test reads.
interface OverviewResponse {
  tiles: { key: string; value: number | null; previous: number | null }[];
}
interface MapActivity {
  name: string;
  events: number;
  cases: number;
  meanDuration: number | null;
}
interface MapEdge {
  from: string;
  to: string;
  count: number;
  cases: number;
  meanSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}
interface ProcessMapResponse {
  cases: number;
  events: number;
  activities: MapActivity[];
  edges: MapEdge[];
}
interface CasesResponse {
  total: number;
  items: { id: string }[];
}
interface CaseDetailResponse {
  id: string;
  events: { ActivityName: string }[];
}

/**
 * Counts the map's ELK layouts (run in a web worker): a filter change re-lays out the map while the
 * previous layout stays on screen (`data-ready` stays true), so the test waits for the new one.
 */
const COUNT_LAYOUTS = `(() => {
  const counts = { sent: 0, done: 0 };
  const pending = new Set();
  window.__caseflowLayouts = counts;
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const id = event.data && event.data.id;
        if (pending.delete(id)) counts.done++;
      });
    }
    postMessage(message, ...rest) {
      if (message && message.cmd === 'layout') {
        counts.sent++;
        pending.add(message.id);
      }
      return super.postMessage(message, ...rest);
    }
  };
})();`;

/** The integer a count is shown as ("6,547" in en-GB). */
const shownCount = (text: string | null): number => Number((text ?? '').replace(/[^\d]/g, ''));

/**
 * The seconds a shown duration ("8s", "<1s", "4m 12s", "3h 05m", "2d 4h") can stand for: the
 * dashboard rounds to the second, then keeps two units, so the value is in [low, high).
 */
function shownDuration(text: string): { low: number; high: number } {
  const t = text.trim();
  if (t === '<1s') return { low: 0, high: 1 };
  const units: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  const parts = [...t.matchAll(/(\d+)([dhms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join(' ') !== t)
    throw new Error(`not a duration: "${text}"`);
  let base = 0;
  let last = 1;
  for (const [, n, unit] of parts) {
    last = units[unit as string] as number;
    base += Number(n) * last;
  }
  return { low: base - 0.5, high: base + last - 0.5 };
}

function expectDuration(text: string | null, seconds: number, what: string): void {
  const { low, high } = shownDuration(text ?? '');
  expect(seconds, `${what}: "${text}" shown for ${seconds} s`).toBeGreaterThanOrEqual(low);
  expect(seconds, `${what}: "${text}" shown for ${seconds} s`).toBeLessThan(high);
}

/** A tile's shown text against the API value (formats as web/src/pages/Overview.tsx `formatTile`). */
function expectTileText(key: string, text: string, value: number | null): void {
  if (value === null) {
    expect(text, key).toBe('—');
  } else if (key.endsWith('Pct')) {
    expect(text, key).toMatch(/^\d+(\.\d)?%$/);
    expect(Math.abs(Number.parseFloat(text) - value), `${key}: "${text}" for ${value}`).toBeLessThanOrEqual(
      0.0501,
    );
  } else if (key === 'medianResolution' || key === 'aht') {
    expectDuration(text, value, key);
  } else if (key === 'csat') {
    expect(Math.abs(Number.parseFloat(text) - value), `${key}: "${text}" for ${value}`).toBeLessThanOrEqual(
      0.00501,
    );
  } else {
    expect(shownCount(text), key).toBe(value);
  }
}

describe('dashboard in headless Chromium on the demo data', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    server = await startDemoServer();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  async function api<T>(route: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${server.base}/api/v1${route}${qs ? `?${qs}` : ''}`);
    expect(res.status, `GET ${route}?${qs}`).toBe(200);
    return (await res.json()) as T;
  }

  it('overview, process map, channel filter, edge, its cases and one case agree with the API', async () => {
    const tab = await openPage(browser, {
      artifacts: ARTIFACTS,
      viewport: { width: 1440, height: 900 },
      initScript: COUNT_LAYOUTS,
    });
    context = tab.context;
    const { page, step, problems } = tab;

    const query = () => new URL(page.url()).searchParams;
    const map = page.getByTestId('process-map');
    const edge = (e: { from: string; to: string }) => page.getByTestId(`edge-${e.from}-${e.to}`);
    const node = (name: string) => page.getByTestId(`node-${name}`);
    const layoutsDone = () => page.evaluate('window.__caseflowLayouts.done') as Promise<number>;
    const nextFrames = () =>
      page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const mapSettled = async () => {
      await page.locator('[data-testid="page-map"][aria-busy="false"]').waitFor();
      await page.locator('[data-testid="process-map"][data-ready="true"]').waitFor();
    };
    /** The top edge between two activities (not from ▶ / to ■). */
    const topEdge = (m: ProcessMapResponse) => {
      const found = m.edges.find((e) => e.from !== START && e.to !== END);
      if (!found) throw new Error('the map has no edge between activities');
      return found;
    };
    /** The most frequent activity that takes time (its performance figure is a duration). */
    const timedActivity = (m: ProcessMapResponse) => {
      const found = m.activities.find((a) => (a.meanDuration ?? 0) >= 1);
      if (!found) throw new Error('no activity with a duration');
      return found;
    };
    const label = (l: Locator) => l.locator('.edge-label').textContent();
    const figure = (l: Locator) => l.locator('.node-figure').textContent();

    await step('overview', async () => {
      const expected = await api<OverviewResponse>('/overview');
      await page.goto(`${server.base}/?lang=en`);
      await page.locator('[data-testid="page-overview"][aria-busy="false"]').waitFor();
      expect(expected.tiles.map((t) => t.key)).toEqual([
        'cases',
        'slaPct',
        'fcrPct',
        'reopenPct',
        'medianResolution',
        'aht',
        'csat',
      ]);
      for (const tile of expected.tiles) {
        const shown = page.getByTestId(`kpi-${tile.key}`);
        await expect(shown.getAttribute('data-value'), tile.key).resolves.toBe(String(tile.value ?? ''));
        await expect(shown.getAttribute('data-previous'), tile.key).resolves.toBe(
          String(tile.previous ?? ''),
        );
        expectTileText(
          tile.key,
          (await page.getByTestId(`kpi-${tile.key}-value`).textContent()) ?? '',
          tile.value,
        );
      }
      await page.getByTestId('breakdown-mediaType').waitFor();
    });

    const all = await api<ProcessMapResponse>('/process-map', { lang: 'en' });
    const allTop = topEdge(all);

    await step('map-frequency', async () => {
      await page.getByTestId('nav-map').click();
      await mapSettled();
      expect(new URL(page.url()).pathname).toBe('/map');
      await expect(map.getAttribute('data-view')).resolves.toBe('frequency');
      await expect(page.getByTestId('view-frequency').getAttribute('aria-pressed')).resolves.toBe('true');
      const summary = (await page.getByTestId('map-summary').textContent()) ?? '';
      expect(summary).toContain(`${all.cases.toLocaleString('en-GB')} cases`);
      expect(summary).toContain(`${all.events.toLocaleString('en-GB')} events`);
      await expect(page.locator('[data-testid^="edge-"]').count()).resolves.toBe(all.edges.length);
      await expect(page.locator('[data-testid^="node-"]').count()).resolves.toBe(all.activities.length + 2);
      await expect(edge(allTop).getAttribute('data-count')).resolves.toBe(String(allTop.count));
      expect(shownCount(await label(edge(allTop)))).toBe(allTop.count);
      const first = all.edges.find((e) => e.from === START) as MapEdge;
      expect(shownCount(await label(edge(first)))).toBe(first.count);
    });

    await step('map-performance', async () => {
      const before = await label(edge(allTop));
      await page.getByTestId('view-performance').click();
      await expect.poll(() => query().get('view')).toBe('performance');
      await expect(map.getAttribute('data-view')).resolves.toBe('performance');
      await expect(page.getByTestId('view-performance').getAttribute('aria-pressed')).resolves.toBe('true');
      const after = await label(edge(allTop));
      expect(after).not.toBe(before);
      await expect(edge(allTop).getAttribute('data-mean')).resolves.toBe(String(allTop.meanSeconds));
      expectDuration(after, allTop.meanSeconds, `edge ${allTop.from} → ${allTop.to} (mean time)`);
      // ▶/■ edges carry no time: no label in the performance view.
      const first = all.edges.find((e) => e.from === START) as MapEdge;
      await expect(edge(first).locator('.edge-label').count()).resolves.toBe(0);
      const timed = timedActivity(all);
      expectDuration(await figure(node(timed.name)), timed.meanDuration as number, `${timed.name} (mean)`);
    });

    const filtered = await api<ProcessMapResponse>('/process-map', { mediaType: CHANNEL, lang: 'en' });
    const chosen = topEdge(filtered);

    await step(`filter-${CHANNEL}`, async () => {
      const layouts = await layoutsDone();
      await page.getByTestId('filter-mediaType').selectOption(CHANNEL);
      await expect.poll(() => query().get('mediaType')).toBe(CHANNEL);
      expect(query().get('view')).toBe('performance');
      // The new data's layout, then two frames for React to draw it.
      await page.waitForFunction(
        `window.__caseflowLayouts.done > ${layouts} && window.__caseflowLayouts.sent === window.__caseflowLayouts.done`,
      );
      await nextFrames();
      await mapSettled();
      const summary = (await page.getByTestId('map-summary').textContent()) ?? '';
      expect(summary).toContain(`${filtered.cases.toLocaleString('en-GB')} cases`);
      await expect(page.locator('[data-testid^="edge-"]').count()).resolves.toBe(filtered.edges.length);
      await expect(page.locator('[data-testid^="node-"]').count()).resolves.toBe(
        filtered.activities.length + 2,
      );
      // Performance view: times.
      await expect(edge(chosen).getAttribute('data-mean')).resolves.toBe(String(chosen.meanSeconds));
      expectDuration(await label(edge(chosen)), chosen.meanSeconds, `${CHANNEL} edge (mean time)`);
      const timed = timedActivity(filtered);
      expectDuration(await figure(node(timed.name)), timed.meanDuration as number, `${timed.name} (mean)`);
    });

    await step(`filter-${CHANNEL}-frequency`, async () => {
      await page.getByTestId('view-frequency').click();
      await expect.poll(() => query().get('view')).toBeNull();
      await expect(map.getAttribute('data-view')).resolves.toBe('frequency');
      expect(query().get('mediaType')).toBe(CHANNEL);
      // Frequency view: counts, for the top edge and the top activity.
      await expect(edge(chosen).getAttribute('data-count')).resolves.toBe(String(chosen.count));
      expect(shownCount(await label(edge(chosen)))).toBe(chosen.count);
      const top = filtered.activities[0] as MapActivity;
      await expect(node(top.name).getAttribute('data-events')).resolves.toBe(String(top.events));
      await expect(node(top.name).getAttribute('data-cases')).resolves.toBe(String(top.cases));
      expect(shownCount(await figure(node(top.name)))).toBe(top.events);
      // The filtered figures differ from the unfiltered ones (the filter did apply).
      expect(filtered.cases).toBeLessThan(all.cases);
    });

    await step('edge-detail', async () => {
      await edge(chosen).locator('.edge-label').click();
      const panel = page.getByTestId('detail-panel');
      await panel.waitFor();
      await page.getByTestId(`panel-edge-${chosen.from}-${chosen.to}`).waitFor();
      await expect(edge(chosen).getAttribute('aria-pressed')).resolves.toBe('true');
      const terms = await panel.locator('dl dt').allTextContents();
      const values = await panel.locator('dl dd').allTextContents();
      const figures = Object.fromEntries(terms.map((t, i) => [t, values[i] ?? '']));
      expect(Object.keys(figures)).toEqual([
        'Occurrences',
        'Cases',
        'Mean time',
        'Median time',
        '90th percentile',
        'Maximum time',
      ]);
      expect(shownCount(figures.Occurrences as string)).toBe(chosen.count);
      expect(shownCount(figures.Cases as string)).toBe(chosen.cases);
      expectDuration(figures['Mean time'] as string, chosen.meanSeconds, 'mean time');
      expectDuration(figures['Median time'] as string, chosen.medianSeconds, 'median time');
      expectDuration(figures['90th percentile'] as string, chosen.p90Seconds, 'p90 time');
      expectDuration(figures['Maximum time'] as string, chosen.maxSeconds, 'maximum time');
    });

    const follows = `${chosen.from}>${chosen.to}`;
    const cases = await api<CasesResponse>('/cases', { mediaType: CHANNEL, follows });
    const opened = cases.items[0];
    if (!opened) throw new Error(`no case for ${follows}`);

    await step('edge-cases', async () => {
      await page.getByTestId('panel-cases-link').click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/cases');
      expect(query().get('mediaType')).toBe(CHANNEL);
      expect(query().get('follows')).toBe(follows);
      await page.locator('[data-testid="page-cases"][aria-busy="false"]').waitFor();
      await page.getByTestId(`chip-follows-${follows}`).waitFor();
      const total = page.getByTestId('cases-total');
      await expect(total.getAttribute('data-total')).resolves.toBe(String(cases.total));
      expect(shownCount(await total.textContent())).toBe(cases.total);
      // Same cases as the edge's case count on the map.
      expect(cases.total).toBe(chosen.cases);
      const rows = page.locator('[data-testid^="case-row-"]');
      await expect(rows.count()).resolves.toBe(cases.items.length);
      await expect(rows.first().getAttribute('data-testid')).resolves.toBe(`case-row-${opened.id}`);
    });

    await step('case', async () => {
      const detail = await api<CaseDetailResponse>(`/cases/${encodeURIComponent(opened.id)}`, { lang: 'en' });
      await page.getByTestId(`case-row-${opened.id}`).locator('td').nth(1).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/cases/${encodeURIComponent(opened.id)}`);
      await page.locator(`[data-testid="page-case"][data-case-id="${opened.id}"]`).waitFor();
      const rows = page.getByTestId('case-event');
      await expect(rows.count()).resolves.toBe(detail.events.length);
      const summary = (await page.getByTestId('case-summary').textContent()) ?? '';
      expect(summary).toContain(`${detail.events.length} events`);
      const shown = await rows.locator('td:nth-child(3)').allTextContents();
      expect(shown).toEqual(detail.events.map((e) => e.ActivityName));
      // The case was opened from the edge: the two activities follow each other in it.
      const pairs = shown.slice(1).map((to, i) => `${shown[i]}>${to}`);
      expect(pairs).toContain(follows);
      await page.getByTestId('case-timeline').waitFor();
    });

    expect(problems).toEqual([]);
  });
});
