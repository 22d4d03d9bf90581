import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningServer, startDemoServer } from './browser.ts';

describe('browser: `caseflow serve --demo` (what `npm start` runs) on an empty data directory', () => {
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
    base = server.base;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads the demo data and shows what is loaded', async () => {
    const health = await (await fetch(`${base}/api/v1/health`)).json();
    expect(health.conversations).toBe(5000);
    const page = await browser.newPage();
    await page.goto(`${base}/status?lang=en`);
    await expect(page.title()).resolves.toMatch(/Caseflow/);
    const rows = await page.locator('#loaded tr').allInnerTexts();
    const conversations = rows.find((r) => r.startsWith('Conversations'));
    expect(conversations).toMatch(/5000/);
    expect(rows.find((r) => r.startsWith('Service requests'))).toMatch(/\d+/);
    await page.click('a[hreflang="fr"]');
    await expect(page.locator('h1').textContent()).resolves.toMatch(/demandes de service/);
  });

  it('opens the API documentation', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/api/docs`);
    await page.getByText('/api/v1/eventlog', { exact: true }).first().waitFor({ timeout: 30_000 });
  });
});
