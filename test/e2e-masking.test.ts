/**
 * End to end, in real headless Chromium: masking and divisions on the customer journey page, on
 * `caseflow serve --demo` with access control on (CASEFLOW_AUTH=on, NODE_ENV=production, fresh data
 * directory; the first administrator's one-time password is read from the server's start-up output).
 * Through the API, as the administrator: a past demo voice call with a queue and a wrap-up code, whose
 * customer has interactions in the main division only; users created for the test:
 * - an agent (built-in role, without routing:queue:search): the wrap-up code, the queue "hidden" /
 *   "masqué" (also along the routing path), no dataset selector; the user menu closes on Escape (focus
 *   back on its button), on a click outside it and when the focus leaves it;
 * - a user of a custom role without routing:wrapupCode:view: the queue, the wrap-up code "hidden";
 * - supervisors restricted to one division: of the other division, the customer is unknown (404, shown
 *   as such in the page); of the call's division, the call is there (the control).
 * The administrator's page shows the queue and wrap-up code the API gives. Screenshots of each step go
 * to test-artifacts/e2e-masking/ (a failing step leaves NN-step-FAILED.png).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDirectory } from '../src/demo/directory.ts';
import { DEMO_DEFAULTS } from '../src/demo/index.ts';
import { launchChromium, type OpenedPage, openPage, type RunningServer, startServer } from './browser.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-masking');
const FIRST_ADMIN = /caseflow: first administrator: (\S+) \/ (\S+) \(shown once/;
const PASSWORD = 'e2e-masking-password';

// The parts of the API's answers this test reads (README "Customer journey", "Access control").
interface Interaction {
  id: string;
  kind: string;
  channel: string;
  status: { state: string };
  queue: string | null;
  wrapUpCode: string | null;
  path: { at: string; queue: string | null; agent: string | null }[] | null;
  masked: { queue: boolean; wrapUpCode: boolean };
}
interface JourneyResponse {
  customer: { id: string };
  items: Interaction[];
}
interface ApiError {
  statusCode: number;
  message: string;
}
interface Found {
  customerId: string;
  item: Interaction;
}

/** The demo organization `serve --demo` loads: its two divisions and the queues of each. */
const directory = buildDirectory(DEMO_DEFAULTS.seed);
const MAIN = directory.divisions.main;
const EXPERTISE = directory.divisions.expertise;
const EXPERTISE_QUEUES = new Set(
  [...directory.queues.values()].filter((q) => q.division.id === EXPERTISE.id).map((q) => q.name),
);

/** A demo conversation goes to the divisions of the queues it passed through (none: the main one). */
const onlyInMainDivision = (i: Interaction): boolean =>
  i.kind === 'conversation' &&
  (i.path ?? []).every((s) => s.queue === null || !EXPERTISE_QUEUES.has(s.queue));

describe('journey masking and divisions in headless Chromium (CASEFLOW_AUTH=on)', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let adminCookie = '';
  let admin = { username: '', password: '' };

  /** Signs in through the API; the session cookie to send. */
  async function sessionCookie(username: string, password: string): Promise<string> {
    const res = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status, `sign-in of ${username}`).toBe(200);
    const cookie = /caseflow_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`no session cookie for ${username}`);
    return cookie;
  }

  async function call(cookie: string, method: string, route: string, body?: object): Promise<Response> {
    return fetch(`${server.base}/api/v1${route}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  async function get<T>(cookie: string, route: string): Promise<T> {
    const res = await call(cookie, 'GET', route);
    expect(res.status, `GET ${route}`).toBe(200);
    return (await res.json()) as T;
  }

  async function createUser(username: string, roles: string[], divisions: string[] | 'all'): Promise<void> {
    const res = await call(adminCookie, 'POST', '/users', { username, password: PASSWORD, roles, divisions });
    expect(res.status, `POST /users ${username}: ${await res.clone().text()}`).toBe(201);
  }

  const journeyRoute = (customerId: string) =>
    `/customers/${encodeURIComponent(customerId)}/journey?limit=5000`;

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    server = await startServer(['serve', '--demo'], { CASEFLOW_AUTH: 'on', NODE_ENV: 'production' });
    const printed = FIRST_ADMIN.exec(server.output());
    if (!printed?.[1] || !printed[2])
      throw new Error(`no first administrator in the server output:\n${server.output()}`);
    admin = { username: printed[1], password: printed[2] };
    adminCookie = await sessionCookie(admin.username, admin.password);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  /** The first demo voice call with a queue and a wrap-up code whose customer is of the main division only. */
  async function findCall(): Promise<Found> {
    const cases = await get<{ items: { id: string }[] }>(adminCookie, '/cases?mediaType=voice&pageSize=50');
    for (const { id: caseId } of cases.items) {
      const detail = await get<{ conversations: string[] }>(
        adminCookie,
        `/cases/${encodeURIComponent(caseId)}`,
      );
      for (const conversationId of detail.conversations) {
        const customers = await get<{ items: { id: string }[] }>(
          adminCookie,
          `/customers?conversationId=${encodeURIComponent(conversationId)}`,
        );
        const customerId = customers.items[0]?.id;
        if (!customerId) continue;
        const journey = await get<JourneyResponse>(adminCookie, journeyRoute(customerId));
        const item = journey.items.find(
          (i) =>
            i.id === conversationId &&
            i.channel === 'voice' &&
            i.status.state === 'ended' &&
            i.queue !== null &&
            i.wrapUpCode !== null,
        );
        if (item && journey.items.every(onlyInMainDivision)) return { customerId, item };
      }
    }
    throw new Error('no demo voice call with a queue and a wrap-up code of a main-division-only customer');
  }

  /** A browser of its own, signed in as the user through the login page, on the customer's journey. */
  async function openJourney(
    name: string,
    username: string,
    password: string,
    customerId: string,
  ): Promise<OpenedPage> {
    const opened = await openPage(browser, {
      artifacts: ARTIFACTS,
      name,
      viewport: { width: 1280, height: 900 },
      // 4xx answers on purpose: the customer unknown to another division is a 404.
      problemStatus: 500,
    });
    contexts.push(opened.context);
    const { page, step } = opened;
    await step('signed-in', async () => {
      await page.goto(`${server.base}/customers/${encodeURIComponent(customerId)}?lang=en`);
      await page.getByTestId('login-page').waitFor();
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('page-customer').waitFor();
      expect(new URL(page.url()).pathname).toBe(`/customers/${encodeURIComponent(customerId)}`);
    });
    return opened;
  }

  /** The journey as the browser's session (its cookie) sees it. */
  async function journeyAs(context: BrowserContext, customerId: string): Promise<JourneyResponse> {
    const res = await context.request.get(`${server.base}/api/v1${journeyRoute(customerId)}`);
    expect(res.status()).toBe(200);
    return (await res.json()) as JourneyResponse;
  }

  const cardOf = (page: Page, id: string): Locator =>
    page.locator(`[data-testid="journey-card"][data-interaction-id="${id}"]`);
  const textOf = async (locator: Locator): Promise<string> => (await locator.innerText()).trim();

  it('queues and wrap-up codes masked by role, customers of other divisions unknown', async () => {
    const { customerId, item } = await findCall();
    const queue = item.queue ?? '';
    const wrapUpCode = item.wrapUpCode ?? '';

    const create = await call(adminCookie, 'POST', '/roles', {
      name: 'journey-without-wrapup',
      description: 'Journeys with queue names, wrap-up codes masked',
      permissions: ['journey:event:view', 'journey:eventType:view', 'routing:queue:search'],
    });
    expect(create.status, await create.clone().text()).toBe(201);
    await createUser('e2e.agent', ['agent'], 'all');
    await createUser('e2e.queues', ['journey-without-wrapup'], 'all');
    await createUser('e2e.expertise', ['supervisor'], [EXPERTISE.id]);
    await createUser('e2e.main', ['supervisor'], [MAIN.id]);

    // The administrator: both, as the API gives them; the dataset selector of the mining pages.
    {
      const { page, step, problems } = await openJourney('admin', admin.username, admin.password, customerId);
      const card = cardOf(page, item.id);
      await step('queue-and-wrapup', async () => {
        await expect(textOf(card.getByTestId('journey-queue'))).resolves.toBe(queue);
        await expect(textOf(card.getByTestId('journey-wrapup'))).resolves.toBe(wrapUpCode);
        await expect(page.getByTestId('dataset-select').count()).resolves.toBe(1);
      });
      expect(problems).toEqual([]);
    }

    // The agent: no routing:queue:search.
    {
      const { page, context, step, problems } = await openJourney('agent', 'e2e.agent', PASSWORD, customerId);
      const card = cardOf(page, item.id);
      await step('queue-hidden', async () => {
        const seen = (await journeyAs(context, customerId)).items.find((i) => i.id === item.id);
        expect(seen).toMatchObject({ queue: null, wrapUpCode, masked: { queue: true, wrapUpCode: false } });
        await expect(textOf(card.getByTestId('journey-queue'))).resolves.toBe('hidden');
        await expect(textOf(card.getByTestId('journey-wrapup'))).resolves.toBe(wrapUpCode);
        expect(await card.innerText()).not.toContain(queue);
        // Datasets belong to the mining pages, which the agent may not open.
        await expect(page.getByTestId('dataset-select').count()).resolves.toBe(0);
        await expect(page.getByTestId('nav-map').count()).resolves.toBe(0);
      });
      await step('path-queues-hidden', async () => {
        await card.getByTestId('journey-toggle').click();
        const steps = card.getByTestId('journey-path-step');
        await expect(steps.count()).resolves.toBe(item.path?.length);
        for (const text of await steps.allInnerTexts()) expect(text).toContain('hidden');
        expect(await card.innerText()).not.toContain(queue);
      });
      await step('queue-hidden-fr', async () => {
        await page.getByTestId('lang-fr').click();
        await expect.poll(() => textOf(card.getByTestId('journey-queue'))).toBe('masqué');
        await expect(textOf(card.getByTestId('journey-wrapup'))).resolves.toBe(wrapUpCode);
      });
      const menu = page.getByTestId('user-menu-list');
      const toggle = page.getByTestId('user-name');
      await step('menu-escape', async () => {
        await toggle.click();
        await menu.waitFor();
        await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
        await page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden' });
        await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
        await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
          'user-name',
        );
      });
      await step('menu-outside-click', async () => {
        await toggle.click();
        await menu.waitFor();
        await page.locator('main h1').click();
        await menu.waitFor({ state: 'hidden' });
      });
      await step('menu-focus-leaves', async () => {
        await toggle.focus();
        await page.keyboard.press('Enter');
        await menu.waitFor();
        // Through the menu's three entries, then out of it.
        for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
        await menu.waitFor({ state: 'hidden' });
      });
      expect(problems).toEqual([]);
    }

    // A custom role without routing:wrapupCode:view.
    {
      const { page, context, step, problems } = await openJourney(
        'queues',
        'e2e.queues',
        PASSWORD,
        customerId,
      );
      const card = cardOf(page, item.id);
      await step('wrapup-hidden', async () => {
        const seen = (await journeyAs(context, customerId)).items.find((i) => i.id === item.id);
        expect(seen).toMatchObject({ queue, wrapUpCode: null, masked: { queue: false, wrapUpCode: true } });
        await expect(textOf(card.getByTestId('journey-queue'))).resolves.toBe(queue);
        await expect(textOf(card.getByTestId('journey-wrapup'))).resolves.toBe('hidden');
        expect(await card.innerText()).not.toContain(wrapUpCode);
      });
      expect(problems).toEqual([]);
    }

    // Divisions: the call's division (the control) sees it; the other one does not know the customer.
    const mainCookie = await sessionCookie('e2e.main', PASSWORD);
    const ofMain = await get<JourneyResponse>(mainCookie, journeyRoute(customerId));
    expect(ofMain.items.find((i) => i.id === item.id)).toMatchObject({ queue, wrapUpCode });
    const expertiseCookie = await sessionCookie('e2e.expertise', PASSWORD);
    const refused = await call(expertiseCookie, 'GET', journeyRoute(customerId));
    expect(refused.status).toBe(404);
    const error = (await refused.json()) as ApiError;
    {
      const { page, step, problems } = await openJourney('expertise', 'e2e.expertise', PASSWORD, customerId);
      await step('customer-unknown', async () => {
        await expect(textOf(page.getByTestId('error-message'))).resolves.toBe(`404 · ${error.message}`);
        await expect(page.getByTestId('journey-card').count()).resolves.toBe(0);
        await expect(page.getByTestId('journey-live').count()).resolves.toBe(0);
        expect(await page.locator('body').innerText()).not.toContain(wrapUpCode);
      });
      expect(problems).toEqual([]);
    }
  }, 240_000);
});
