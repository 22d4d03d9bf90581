/**
 * End to end: `caseflow serve` with the Genesys connector scheduled against the fake Genesys API on
 * 127.0.0.1. The first scheduled run lands; the Sources page (real Chromium) shows it with the next run;
 * a run that keeps getting 503s shows its error and where it will resume; "Sync now" then finishes it.
 * Screenshots go to test-artifacts/e2e-sources/ (a failing step leaves NN-step-FAILED.png).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConversations } from '../src/demo/index.ts';
import { launchChromium, type OpenedPage, openPage, type RunningServer, startServer } from './browser.ts';
import { FakeGenesys } from './fake-genesys.ts';
import { tempDir } from './support.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-sources');
const CLIENT_ID = 'e2e-client-7c1f';
const SECRET = 'e2e-secret-Qx9!vL2#wz';
const DAY = 86_400_000;

interface SourcesResponse {
  sources: {
    state: string;
    watermark: string | null;
    nextRunAt: string | null;
    lastRun: { status: string; added: number; error: string | null; trigger: string } | null;
  }[];
}

describe('Sources page with a scheduled Genesys sync', () => {
  let fake: FakeGenesys;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let step: OpenedPage['step'];
  const sources = async (): Promise<SourcesResponse['sources'][number]> => {
    const body = (await (await fetch(`${server.base}/api/v1/sources`)).json()) as SourcesResponse;
    return body.sources[0] as SourcesResponse['sources'][number];
  };
  const until = async (check: (s: SourcesResponse['sources'][number]) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const s = await sources();
      if (check(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the source never reached the expected state: ${JSON.stringify(await sources())}`);
  };

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const today = new Date().toISOString().slice(0, 10);
    const conversations = [...demoConversations({ conversations: 150, days: 10, seed: 11, end: today })];
    fake = await FakeGenesys.start({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      conversations,
      dataAvailabilityDate: new Date(Date.now() - 4 * DAY).toISOString(),
      jobPendingPolls: 1,
    });
    const dir = tempDir();
    const config = path.join(dir, 'caseflow.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        sources: {
          genesys: {
            region: 'mypurecloud.de',
            baseUrl: fake.url,
            scheduleEveryMinutes: 60,
            firstSyncDays: 14,
            lookBackHours: 72,
            jobPollSeconds: 0.05,
            queryPageSize: 50,
            retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
          },
        },
      }),
    );
    server = await startServer(['serve'], {
      CASEFLOW_CONFIG: config,
      CASEFLOW_GENESYS_CLIENT_ID: CLIENT_ID,
      CASEFLOW_GENESYS_CLIENT_SECRET: SECRET,
    });
    browser = await launchChromium();
    // As Chromium starts: its own language, time zone and timeouts; screenshots of the viewport.
    ({ page, step } = await openPage(browser, {
      artifacts: ARTIFACTS,
      viewport: { width: 1280, height: 900 },
      locale: null,
      timezoneId: null,
      timeout: null,
      fullPage: false,
    }));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  it('runs the first scheduled sync at start and plans the next one', async () => {
    const s = await until((x) => x.lastRun?.status === 'succeeded' && x.state === 'idle');
    expect(s.lastRun).toMatchObject({ trigger: 'schedule', added: 150, error: null });
    expect(s.state).toBe('idle');
    expect(s.watermark).not.toBeNull();
    const next = Date.parse(s.nextRunAt ?? '');
    expect(next - Date.now()).toBeGreaterThan(50 * 60_000);

    await step('scheduled-run', async () => {
      await page.goto(`${server.base}/sources`);
      const card = page.getByTestId('source-genesys');
      await card.waitFor();
      await expect.poll(() => page.getByTestId('source-state').getAttribute('data-state')).toBe('idle');
      expect(await page.getByTestId('last-run').getAttribute('data-status')).toBe('succeeded');
      expect(await page.getByTestId('last-run').innerText()).toContain('150');
      expect(await card.innerText()).toContain('mypurecloud.de');
    });
  }, 90_000);

  it('shows a failed run with what failed and where it resumes, then "Sync now" finishes it', async () => {
    fake.upsertConversation({
      ...(structuredClone(
        [
          ...demoConversations({
            conversations: 1,
            days: 1,
            seed: 5,
            end: new Date().toISOString().slice(0, 10),
          }),
        ][0],
      ) as object),
      conversationId: 'late-arrival-1',
    });
    fake.inject(
      { method: 'POST', path: /details\/query$/ },
      { status: 503 },
      { status: 503 },
      { status: 503 },
    );
    await step('failed-run', async () => {
      await page.getByTestId('sync-now').click();
      await expect
        .poll(() => page.getByTestId('source-state').getAttribute('data-state'), { timeout: 20_000 })
        .toBe('failed');
      const error = await page.getByTestId('last-run-error').innerText();
      expect(error).toContain('HTTP 503');
      expect(error).toContain('after 3 attempts');
      expect(error).toContain('resume');
    });

    await step('resumed-run', async () => {
      await page.getByTestId('sync-now').click();
      await expect
        .poll(() => page.getByTestId('last-run').getAttribute('data-status'), { timeout: 20_000 })
        .toBe('succeeded');
      const s = await sources();
      expect(s.lastRun).toMatchObject({ trigger: 'manual', added: 1, error: null });
    });
    expect(server.output()).not.toContain(SECRET);
  }, 90_000);
});
