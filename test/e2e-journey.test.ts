/**
 * End to end, in real headless Chromium: the customer journey page on `caseflow serve --demo` (dev mode,
 * fresh data directory).
 * - A web-messaging conversation whose last customer message is 35 s old shows "Live" (green), turns
 *   "Idle" (yellow) at the 45 s mark and "Inactive" (grey) at 60 s, pushed by the server's live stream;
 *   the customer's next event (a page view) makes it "Live" again.
 * - A past, transferred voice conversation of the demo data: the case view's "Customer journey" link
 *   opens its customer's journey, where the card shows the date (organization time zone), the last
 *   queue and agent with the "transferred" marker, and expands to the full routing path.
 * Screenshots of each step go to test-artifacts/e2e-journey/ (a failing step leaves NN-step-FAILED.png).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type OpenedPage, openPage, type RunningServer, startDemoServer } from './browser.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-journey');
/**
 * How old the customer's message is when posted: live, with 10 s left before the idle (45 s) mark for
 * the page to open on a busy machine, and short waits for idle and inactive.
 */
const MESSAGE_AGE_MS = 35_000;
/** Waits for a state the server pushes at a known mark: generous, never a timing assertion. */
const STATE_TIMEOUT_MS = 60_000;

// The parts of the API's answers this test reads (contract: src/journey, docs).
interface CustomersResponse {
  items: { id: string }[];
}
interface Interaction {
  id: string;
  channel: string;
  startedAt: string;
  status: { state: string };
  queue: string | null;
  agent: { id: string; name: string | null } | null;
  transferred: boolean;
  path: { at: string; queue: string | null; agent: string | null }[] | null;
  serviceRequest: string | null;
}
interface JourneyResponse {
  customer: { id: string };
  items: Interaction[];
}
interface CasesResponse {
  items: { id: string }[];
}
interface CaseDetailResponse {
  id: string;
  conversations: string[];
}
interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; field: string; message: string }[];
}

type Hue = 'green' | 'yellow' | 'grey' | 'other';

/** The colour family of a computed CSS colour `rgb(r, g, b)`. */
function hueOf(css: string): Hue {
  const [r = 0, g = 0, b = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  if (Math.max(r, g, b) - Math.min(r, g, b) < 30) return 'grey';
  if (g > r + 40 && g > b + 40) return 'green';
  if (r > b + 80 && g > b + 80 && Math.abs(r - g) < 80) return 'yellow';
  return 'other';
}

describe('customer journey page in headless Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    // Dev mode (no login): every request acts as the local administrator; access control has its own tests.
    server = await startDemoServer();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  async function api<T>(route: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${server.base}/api/v1${route}${qs ? `?${qs}` : ''}`);
    expect(res.status, `GET ${route}?${qs}: ${res.status}`).toBe(200);
    return (await res.json()) as T;
  }

  async function postEvents(events: object[]): Promise<void> {
    const res = await fetch(`${server.base}/api/v1/journey/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const body = (await res.json()) as IngestResponse;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
  }

  async function customerOf(conversationId: string): Promise<string> {
    const found = await api<CustomersResponse>('/customers', { conversationId });
    expect(found.items, `the customer of conversation ${conversationId}`).toHaveLength(1);
    const id = (found.items[0] as { id: string }).id;
    // Opaque: the page URLs carry no phone number, e-mail or contact id.
    expect(id).toMatch(/^cus-[0-9a-f]{24}$/);
    return id;
  }

  /** A page in a browser of its own; its screenshots are named `<name>-NN-<step>.png`. */
  async function journeyPage(name: string): Promise<OpenedPage> {
    const opened = await openPage(browser, {
      artifacts: ARTIFACTS,
      name,
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(opened.context);
    return opened;
  }

  /** The card's state as shown: data attribute, text and the dot's colour family. */
  async function shownState(card: Locator): Promise<{ state: string | null; text: string; hue: Hue }> {
    const status = card.getByTestId('live-status');
    const dot = status.locator('.live-dot');
    return {
      state: await status.getAttribute('data-state'),
      text: (await status.innerText()).trim(),
      hue: hueOf(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)),
    };
  }

  it('a web-messaging conversation is live, idle after 45 s, inactive after 60 s, live again on the next customer event', async () => {
    const { page, step, problems } = await journeyPage('live');
    const email = `journey-${randomUUID().slice(0, 8)}@example.com`;
    const conversationId = `e2e-webmsg-${randomUUID()}`;
    const card = page.locator('[data-testid="journey-card"][data-channel="webMessaging"]');
    const stateOf = (state: string) => card.locator(`[data-testid="live-status"][data-state="${state}"]`);
    let customerId = '';

    await step('warm-up', async () => {
      // Load the dashboard's code first, so that the journey page opens well before the 45 s mark.
      await page.goto(`${server.base}/customers?lang=en`);
      await page.getByTestId('customer-search').waitFor();
    });

    await step('live', async () => {
      await postEvents([
        {
          id: `${conversationId}-m1`,
          type: 'message.inbound',
          occurredAt: new Date(Date.now() - MESSAGE_AGE_MS).toISOString(),
          customer: { email },
          conversationId,
          channel: 'webMessaging',
          direction: 'inbound',
          title: 'Where is my parcel?',
        },
      ]);
      customerId = await customerOf(conversationId);
      await page.goto(`${server.base}/customers/${encodeURIComponent(customerId)}?lang=en`);
      await page.locator(`[data-testid="page-customer"][data-customer-id="${customerId}"]`).waitFor();
      await expect.poll(() => shownState(card)).toEqual({ state: 'live', text: 'Live', hue: 'green' });
      await expect(page.getByTestId('customer-identifiers').innerText()).resolves.toContain(email);
      await expect(card.getByTestId('journey-channel').innerText()).resolves.toContain('Web messaging');
      await expect(card.innerText()).resolves.toContain('Inbound');
      await page.locator('[data-testid="journey-live"][data-connection="open"]').waitFor();
    });

    await step('idle', async () => {
      await stateOf('idle').waitFor({ timeout: STATE_TIMEOUT_MS });
      expect(await shownState(card)).toEqual({ state: 'idle', text: 'Idle', hue: 'yellow' });
    });

    await step('inactive', async () => {
      await stateOf('inactive').waitFor({ timeout: STATE_TIMEOUT_MS });
      expect(await shownState(card)).toEqual({ state: 'inactive', text: 'Inactive', hue: 'grey' });
    });

    await step('live-again', async () => {
      await postEvents([
        {
          id: `${conversationId}-pv1`,
          type: 'web.pageView',
          occurredAt: new Date().toISOString(),
          customer: { email },
          url: 'https://shop.example.com/orders',
          title: 'My orders',
        },
      ]);
      await stateOf('live').waitFor({ timeout: STATE_TIMEOUT_MS });
      expect(await shownState(card)).toEqual({ state: 'live', text: 'Live', hue: 'green' });
      // The page view is the newest interaction: the first card.
      const first = page.getByTestId('journey-card').first();
      await expect.poll(() => first.getAttribute('data-channel')).toBe('pageView');
      await expect(first.innerText()).resolves.toContain('My orders');
    });

    expect(problems).toEqual([]);
  }, 240_000);

  it('the case view opens the journey of a past, transferred voice conversation: date, last queue and agent, path', async () => {
    const { page, step, problems } = await journeyPage('past');
    const health = await api<{ timeZone: string }>('/health');

    // The first demo case with a transferred voice conversation, as the journey API tells it.
    const cases = await api<CasesResponse>('/cases', {
      mediaType: 'voice',
      activity: 'Interaction Transferred',
      pageSize: '20',
    });
    let found: { caseId: string; conversationId: string; customerId: string; item: Interaction } | undefined;
    for (const { id: caseId } of cases.items) {
      const detail = await api<CaseDetailResponse>(`/cases/${encodeURIComponent(caseId)}`);
      for (const conversationId of detail.conversations) {
        const customerId = await customerOf(conversationId);
        const journey = await api<JourneyResponse>(`/customers/${encodeURIComponent(customerId)}/journey`);
        const item = journey.items.find(
          (i) =>
            i.id === conversationId && i.channel === 'voice' && i.transferred && i.status.state === 'ended',
        );
        if (item) found = { caseId, conversationId, customerId, item };
        if (found) break;
      }
      if (found) break;
    }
    if (!found) throw new Error('no demo case has a transferred voice conversation in its journey');
    const { caseId, conversationId, customerId, item } = found;
    expect(item.queue, 'the last queue of a transferred call').not.toBeNull();
    expect(item.agent?.name, 'the last agent of a transferred call').toBeTruthy();
    expect(item.path?.length ?? 0, 'a transfer makes a path of two steps at least').toBeGreaterThanOrEqual(2);
    const card = page.locator(`[data-testid="journey-card"][data-interaction-id="${conversationId}"]`);

    await step('case-view', async () => {
      await page.goto(`${server.base}/cases/${encodeURIComponent(caseId)}?lang=en`);
      const link = page.locator(
        `[data-testid="conversation-journey"][data-conversation-id="${conversationId}"]`,
      );
      await expect(link.innerText()).resolves.toBe('Customer journey');
      await link.click();
      await page.locator(`[data-testid="page-customer"][data-customer-id="${customerId}"]`).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/customers/${encodeURIComponent(customerId)}`);
    });

    await step('past-card', async () => {
      await expect(card.getAttribute('data-state')).resolves.toBe('ended');
      await expect(card.getByTestId('live-status').count()).resolves.toBe(0);
      const date = new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'medium',
        timeStyle: 'medium',
        timeZone: health.timeZone,
      }).format(new Date(item.startedAt));
      await expect(card.getByTestId('journey-date').innerText()).resolves.toBe(date);
      await expect(card.getByTestId('journey-channel').innerText()).resolves.toContain('Voice');
      await expect(card.getByTestId('journey-queue').innerText()).resolves.toBe(item.queue);
      const agent = await card.getByTestId('journey-agent').innerText();
      expect(agent).toContain(item.agent?.name);
      await expect(card.getByTestId('journey-transferred').innerText()).resolves.toBe('transferred');
      await expect(card.getByTestId('journey-case').innerText()).resolves.toBe(caseId);
      await expect(card.getByTestId('journey-more').isHidden()).resolves.toBe(true);
    });

    await step('path', async () => {
      // A click anywhere on the card expands it (here: its middle).
      await card.click();
      await expect(card.getByTestId('journey-toggle').getAttribute('aria-expanded')).resolves.toBe('true');
      const steps = card.getByTestId('journey-path-step');
      await expect(steps.count()).resolves.toBe(item.path?.length);
      const last = item.path?.at(-1);
      const lastText = await steps.last().innerText();
      if (last?.queue) expect(lastText).toContain(last.queue);
      if (last?.agent) expect(lastText).toContain(last.agent);
    });

    await step('case-link', async () => {
      await card.getByTestId('journey-case').click();
      await page.locator(`[data-testid="page-case"][data-case-id="${caseId}"]`).waitFor();
    });

    expect(problems).toEqual([]);
  }, 180_000);
});
