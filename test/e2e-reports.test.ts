/**
 * End to end, in real headless Chromium: the Reports page on `caseflow serve --demo` (fresh data
 * directory). The weekday × hour heatmap draws (ECharts) and its table view holds 7 × 24 cells that add
 * up to the API's total; the leaderboard by team changes when teams are chosen in the team filter and
 * then equals the API's answer for that filter; a report's "Download CSV" link answers text/csv.
 * Screenshots of each step go to test-artifacts/e2e-reports/ (a failing step leaves NN-step-FAILED.png).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type OpenedPage, openPage, type RunningServer, startDemoServer } from './browser.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-reports');

// The parts of the reports API's answers (README "Reports") this test reads.
interface HeatmapResponse {
  timeZone: string;
  total: number;
  cells: { weekday: number; hour: number; count: number }[];
}
interface LeaderboardResponse {
  rows: { key: string; name: string; averageSeconds: number; conversations: number }[];
}

describe('reports in headless Chromium on the demo data', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let step: OpenedPage['step'];
  let problems: string[];

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    server = await startDemoServer();
    // One page for the whole suite: its steps and screenshots number on from one test to the next.
    ({ context, page, step, problems } = await openPage(browser, {
      artifacts: ARTIFACTS,
      viewport: { width: 1440, height: 1000 },
      timeout: 20_000,
    }));
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

  const query = () => new URL(page.url()).searchParams;

  /** The leaderboard's keys in rank order, once its answer is in (table view). */
  const shownRanking = async (): Promise<string[]> => {
    await page.locator('[data-testid="leaderboard"][aria-busy="false"]').waitFor();
    return page
      .getByTestId('leaderboard')
      .getByTestId('leaderboard-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
  };

  it('heatmap: the chart draws and the table view adds up to the API total', async () => {
    const expected = await api<HeatmapResponse>('/reports/opened-heatmap', { lang: 'en' });
    expect(expected.cells).toHaveLength(168);
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.cells.reduce((sum, c) => sum + c.count, 0)).toBe(expected.total);

    await step('heatmap-chart', async () => {
      await page.goto(`${server.base}/reports?lang=en`);
      await page.locator('[data-testid="page-reports"][data-tab="conversations"]').waitFor();
      const card = page.getByTestId('reports-heatmap');
      await page.locator('[data-testid="reports-heatmap"][aria-busy="false"]').waitFor();
      // ECharts draws into the chart element (this dashboard uses its SVG renderer; canvas also counts).
      const chart = card.getByTestId('heatmap-chart');
      await chart.locator('svg, canvas').first().waitFor();
      await expect(chart.getAttribute('role')).resolves.toBe('img');
      // 168 cells drawn (SVG: one path each, beside the axes and the legend).
      const drawn = await chart.locator('svg path, canvas').count();
      expect(drawn).toBeGreaterThanOrEqual(1);
      if ((await chart.locator('svg').count()) > 0) expect(drawn).toBeGreaterThanOrEqual(168);
    });

    await step('heatmap-table', async () => {
      const card = page.getByTestId('reports-heatmap');
      await card.getByTestId('table-toggle').click();
      await expect(card.getByTestId('table-toggle').getAttribute('aria-pressed')).resolves.toBe('true');
      const table = card.getByTestId('heatmap-table');
      await table.waitFor();
      // Weekdays Mon..Sun as rows, hours 0..23 as columns.
      await expect(table.locator('tbody tr').count()).resolves.toBe(7);
      await expect(table.locator('tbody th[scope="row"]').allTextContents()).resolves.toEqual([
        'Mon',
        'Tue',
        'Wed',
        'Thu',
        'Fri',
        'Sat',
        'Sun',
      ]);
      await expect(table.locator('thead th').allTextContents()).resolves.toEqual([
        'Day',
        ...Array.from({ length: 24 }, (_, h) => String(h)),
      ]);
      const counts = (await table
        .locator('td[data-count]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))))) as number[];
      expect(counts).toHaveLength(7 * 24);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(expected.total);
      // Each cell as the API has it (weekday 0 = Monday).
      for (const c of expected.cells)
        expect(counts[c.weekday * 24 + c.hour], `${c.weekday}/${c.hour}`).toBe(c.count);
    });
  });

  it('leaderboard by team: choosing teams changes the ranking to the API answer for them', async () => {
    const all = await api<LeaderboardResponse>('/reports/leaderboard', {
      metric: 'first-response',
      groupBy: 'team',
      limit: '10',
      lang: 'en',
    });
    expect(all.rows.length).toBeGreaterThanOrEqual(3);
    const allKeys = all.rows.map((r) => r.key);
    // A subset that changes the ranking: the ranking's last teams, then its first (not in rank order).
    const chosen = [...allKeys.slice(-2), allKeys[0] as string];
    const subset = await api<LeaderboardResponse>('/reports/leaderboard', {
      metric: 'first-response',
      groupBy: 'team',
      limit: '10',
      team: chosen.join(','),
      lang: 'en',
    });
    const subsetKeys = subset.rows.map((r) => r.key);
    expect(subsetKeys.length).toBeGreaterThan(0);
    expect(subsetKeys).not.toEqual(allKeys);
    expect(subsetKeys.every((k) => chosen.includes(k))).toBe(true);

    await step('leaderboard-all', async () => {
      await page.getByTestId('tab-leaderboard').click();
      await expect.poll(() => query().get('tab')).toBe('leaderboard');
      const card = page.getByTestId('leaderboard');
      await page.locator('[data-testid="leaderboard"][aria-busy="false"]').waitFor();
      await card.getByTestId('leaderboard-chart').locator('svg, canvas').first().waitFor();
      await card.getByTestId('table-toggle').click();
      await card.getByTestId('leaderboard-table').waitFor();
      await expect.poll(shownRanking).toEqual(allKeys);
    });

    await step('leaderboard-teams', async () => {
      const filter = page.getByTestId('team-filter');
      await filter.locator('summary').click();
      for (const team of chosen) {
        await filter.locator(`[data-testid="team-filter-option"][value="${team}"]`).check();
      }
      await expect.poll(() => query().get('team')?.split(',').sort()).toEqual([...chosen].sort());
      await filter.locator('summary').click();
      await expect.poll(shownRanking).toEqual(subsetKeys);
      const ranking = await shownRanking();
      expect(ranking).not.toEqual(allKeys);
      // The names and averages are the API's too.
      const rows = page.getByTestId('leaderboard-row');
      const averages = await rows.evaluateAll((r) =>
        r.map((row) => Number(row.getAttribute('data-average'))),
      );
      expect(averages).toEqual(subset.rows.map((r) => r.averageSeconds));
      const names = await rows.locator('th').allTextContents();
      expect(names).toEqual(subset.rows.map((r) => r.name));
    });
  });

  it('the Download CSV link answers text/csv', async () => {
    await step('csv-download', async () => {
      const link = page.getByTestId('leaderboard').getByTestId('csv-download');
      const href = await link.getAttribute('href');
      expect(href).toMatch(/^\/api\/v1\/reports\/leaderboard\?.*format=csv/);
      const url = new URL(href as string, server.base);
      expect(url.searchParams.get('team')?.split(',').length).toBe(3);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = await res.text();
      expect(text.trim().split(/\r?\n/).length).toBeGreaterThan(1);
      // The heatmap's link too (the same API address as the chart's, with format=csv).
      await page.getByTestId('tab-conversations').click();
      const heatmapHref = await page
        .getByTestId('reports-heatmap')
        .getByTestId('csv-download')
        .getAttribute('href');
      expect(heatmapHref).toMatch(/^\/api\/v1\/reports\/opened-heatmap\?.*format=csv/);
      const heatmapCsv = await fetch(new URL(heatmapHref as string, server.base));
      expect(heatmapCsv.headers.get('content-type')).toMatch(/^text\/csv/);
    });
    expect(problems).toEqual([]);
  });
});
