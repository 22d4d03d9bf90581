/**
 * End to end, in real headless Chromium on `caseflow serve --demo` in dev mode (the local user, userId
 * 'local', holds every permission): the work setup pages create two queues (push and pull), a workbin, a
 * work type with an attribute field and an agent linked to the local user; items made through the API
 * then reach the agent's "My tasks" — one pushed as an offer (accept → start), one claimed from the
 * workbin — and are worked through to completed, with an attribute edit and a stale-version conflict
 * shown as such; the supervisor view shows the depths GET /api/v1/work/overview gives and assigns an item.
 * French labels and a phone-sized viewport are checked on the way. Screenshots: test-artifacts/e2e-work/.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, type RunningServer, startServer } from './browser.ts';
import { tempDir } from './support.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-work');

// The parts of the API's answers this test reads (src/server/routes/work.ts).
interface WorkItem {
  id: string;
  title: string;
  status: string;
  version: number;
  assigneeId: string | null;
  queueId: string | null;
  attributes: Record<string, unknown>;
}
interface WorkType {
  defaultQueueId: string | null;
  slaSeconds: number | null;
  requiredSkills: { skill: string; minProficiency?: number }[];
  attributeSchema: Record<string, { type: string; required?: boolean }>;
}
interface Agent {
  userId: string | null;
  skills: Record<string, number>;
  capacity: Record<string, number>;
  queues: string[];
  presence: string;
}
interface Overview {
  queues: { id: string; depth: number; atSlaRisk: number }[];
  agents: { id: string; load: number; capacity: number }[];
}

describe('work automation dashboard in headless Chromium (dev mode)', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // A long offer so that the offer cannot expire while the browser works (its expiry is routing's test).
    const config = path.join(tempDir(), 'caseflow.config.json');
    writeFileSync(config, JSON.stringify({ work: { offerTimeoutSeconds: 600 } }));
    browser = await launchChromium();
    server = await startServer(['serve', '--demo'], { CASEFLOW_CONFIG: config });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('admin pages → push offer and pull claim → start, edit, complete → supervisor view', async () => {
    // The stale-version save below answers 409 on purpose; anything else of 400 or above is a problem.
    const tab = await openPage(browser, { artifacts: ARTIFACTS, viewport: { width: 1440, height: 900 } });
    context = tab.context;
    const { page, step, problems } = tab;
    const url = (route: string) => `${server.base}${route}`;
    const api = async <T>(method: 'GET' | 'POST' | 'PATCH', route: string, body?: unknown): Promise<T> => {
      const res = await fetch(url(`/api/v1/work${route}`), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${route}: ${await res.clone().text()}`).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const fill = async (p: Page, testId: string, value: string) => p.getByTestId(testId).fill(value);
    const saveAndSee = async (form: string, list: string, id: string) => {
      await page.getByTestId(`${form}-save`).click();
      await expect.poll(() => page.getByTestId(`${list}-row`).filter({ hasText: id }).count()).toBe(1);
      expect(await page.getByTestId(`${form}-form`).count()).toBe(0);
    };

    await step('queues', async () => {
      await page.goto(url('/work/admin?tab=queues'));
      await page.getByTestId('work-nav').waitFor();
      await page.getByTestId('queues-new').click();
      await fill(page, 'queue-id', 'q-push');
      await fill(page, 'queue-name', 'Refunds');
      await page.getByTestId('queue-routing').selectOption('push');
      await saveAndSee('queue', 'queues', 'q-push');
      await page.getByTestId('queues-new').click();
      await fill(page, 'queue-id', 'q-pull');
      await fill(page, 'queue-name', 'Back office');
      await page.getByTestId('queue-routing').selectOption('pull');
      await fill(page, 'queue-raise-after', '600');
      await fill(page, 'queue-raise-by', '5');
      await fill(page, 'queue-raise-max', '50');
      await saveAndSee('queue', 'queues', 'q-pull');
    });

    await step('workbin', async () => {
      await page.getByTestId('work-tab-workbins').click();
      await page.getByTestId('workbins-new').click();
      await fill(page, 'workbin-id', 'wb-pull');
      await fill(page, 'workbin-name', 'Back office bin');
      await page.getByTestId('workbin-owner-kind').selectOption('queue');
      await page.getByTestId('workbin-owner').selectOption('q-pull');
      await saveAndSee('workbin', 'workbins', 'wb-pull');
    });

    await step('work-type', async () => {
      await page.getByTestId('work-tab-types').click();
      await page.getByTestId('types-new').click();
      // A wrong skill level is refused in the form with the part named.
      await fill(page, 'type-id', 'refund');
      await fill(page, 'type-name', 'Refund request');
      await page.getByTestId('type-queue').selectOption('q-push');
      await fill(page, 'type-sla', '3600');
      await fill(page, 'type-skills', 'billing=x');
      await page.getByTestId('type-save').click();
      await expect.poll(() => page.getByTestId('type-error').textContent()).toContain('billing=x');
      await fill(page, 'type-skills', 'billing=2');
      await fill(page, 'type-waiting', 'waiting-customer');
      await page.getByTestId('attribute-add').click();
      await page.getByTestId('attribute-name').fill('amount');
      await page.getByTestId('attribute-type').selectOption('number');
      await saveAndSee('type', 'types', 'refund');
      const type = await api<WorkType>('GET', '/types/refund');
      expect(type).toMatchObject({
        defaultQueueId: 'q-push',
        slaSeconds: 3600,
        requiredSkills: [{ skill: 'billing', minProficiency: 2 }],
        attributeSchema: { amount: { type: 'number' } },
      });
    });

    await step('agent', async () => {
      await page.getByTestId('work-tab-agents').click();
      await page.getByTestId('agents-new').click();
      await fill(page, 'agent-id', 'ag-local');
      await fill(page, 'agent-name', 'Local agent');
      await fill(page, 'agent-user', 'local');
      await fill(page, 'agent-skills', 'billing=3');
      await fill(page, 'agent-languages', 'en, fr');
      await fill(page, 'agent-capacity', 'workitem=3');
      await page.getByTestId('agent-queue-q-push').check();
      await page.getByTestId('agent-queue-q-pull').check();
      await saveAndSee('agent', 'agents', 'ag-local');
      const agent = await api<Agent>('GET', '/agents/ag-local');
      expect(agent).toMatchObject({
        userId: 'local',
        skills: { billing: 3 },
        capacity: { workitem: 3 },
        queues: ['q-push', 'q-pull'],
      });
    });

    let pushed: WorkItem;
    await step('offer', async () => {
      await page.getByTestId('work-nav-workAgent').click();
      await page.getByTestId('work-presence').waitFor();
      await expect.poll(() => page.getByTestId('work-live').getAttribute('data-state')).toBe('open');
      await page.getByTestId('presence-available').click();
      await expect
        .poll(() => page.getByTestId('work-presence').getAttribute('data-presence'))
        .toBe('available');
      pushed = await api<WorkItem>('POST', '/items', { typeId: 'refund', title: 'Refund order 4711' });
      await expect.poll(() => page.getByTestId('work-offer-title').textContent()).toBe('Refund order 4711');
      await page.getByTestId('work-offer-countdown').waitFor();
    });

    await step('accept', async () => {
      await page.getByTestId('work-offer-accept').click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('In progress');
      expect(await page.getByTestId('work-offer').count()).toBe(0);
      expect((await api<WorkItem>('GET', `/items/${pushed.id}`)).status).toBe('in-progress');
    });

    await step('conflict', async () => {
      // Someone else changes the item after the page read it: saving then is a 409, said so.
      const before = await api<WorkItem>('GET', `/items/${pushed.id}`);
      await api('PATCH', `/items/${pushed.id}`, { priority: 7 });
      await page.getByTestId('attribute-amount').fill('42');
      await page.getByTestId('work-attributes-save').click();
      await expect.poll(() => page.getByTestId('work-item-conflict').textContent()).toContain('409');
      expect((await api<WorkItem>('GET', `/items/${pushed.id}`)).version).toBe(before.version + 1);
    });

    await step('attributes', async () => {
      await page.getByTestId('work-item-conflict').getByRole('button').click();
      // The reloaded item (a new version) re-renders the form: type once it is shown.
      const current = await api<WorkItem>('GET', `/items/${pushed.id}`);
      await expect
        .poll(() => page.getByTestId('work-item-version').textContent())
        .toBe(String(current.version));
      await page.getByTestId('attribute-amount').fill('42');
      await page.getByTestId('work-attributes-save').click();
      await expect
        .poll(async () => (await api<WorkItem>('GET', `/items/${pushed.id}`)).attributes.amount)
        .toBe(42);
    });

    await step('complete', async () => {
      await page.getByTestId('work-action-complete').click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('Completed');
      expect((await api<WorkItem>('GET', `/items/${pushed.id}`)).status).toBe('completed');
      // Completed: no longer among the agent's open work.
      await expect
        .poll(() => page.locator(`[data-testid="work-row"][data-item="${pushed.id}"]`).count())
        .toBe(0);
    });

    let pulled: WorkItem;
    await step('claim', async () => {
      pulled = await api<WorkItem>('POST', '/items', {
        typeId: 'refund',
        title: 'Check bank details',
        queueId: 'q-pull',
        workbinId: 'wb-pull',
        customer: 'phone:+33612345678',
      });
      await page.reload();
      await page.getByTestId('work-workbin').selectOption('wb-pull');
      const row = page.locator(`[data-testid="work-pull-row"][data-item="${pulled.id}"]`);
      await row.getByTestId('work-claim').click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('Assigned');
      await expect
        .poll(() => page.locator(`[data-testid="work-row"][data-item="${pulled.id}"]`).count())
        .toBe(1);
      expect((await api<WorkItem>('GET', `/items/${pulled.id}`)).assigneeId).toBe('ag-local');
    });

    await step('start-complete', async () => {
      await page.getByTestId('work-action-start').click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('In progress');
      await page.getByTestId('work-action-complete').click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('Completed');
      expect((await api<WorkItem>('GET', `/items/${pulled.id}`)).status).toBe('completed');
    });

    await step('supervisor', async () => {
      // Two items waiting in the pull queue (pull: nobody is offered them).
      const waiting = [
        await api<WorkItem>('POST', '/items', { typeId: 'refund', title: 'Waiting one', queueId: 'q-pull' }),
        await api<WorkItem>('POST', '/items', { typeId: 'refund', title: 'Waiting two', queueId: 'q-pull' }),
      ];
      await page.getByTestId('work-nav-workSupervisor').click();
      await page.getByTestId('work-queues').waitFor();
      const overview = await api<Overview>('GET', '/overview');
      expect(overview.queues.find((q) => q.id === 'q-pull')?.depth).toBe(2);
      for (const q of overview.queues) {
        const row = page.locator(`[data-testid="work-queue-row"][data-queue="${q.id}"]`);
        expect(await row.getByTestId('work-queue-depth').textContent(), q.id).toBe(String(q.depth));
      }
      await page.getByTestId('work-depth-chart').locator('svg').waitFor();
      const first = waiting[0] as WorkItem;
      const risk = page.locator(`[data-testid="work-risk-row"][data-item="${first.id}"]`);
      await risk.getByTestId('work-assign-select').selectOption('ag-local');
      await risk.getByTestId('work-assign-go').click();
      await expect
        .poll(() => page.getByTestId('work-supervisor-message').textContent())
        .toContain('Waiting one');
      const assigned = await api<WorkItem>('GET', `/items/${first.id}`);
      expect(assigned).toMatchObject({ status: 'assigned', assigneeId: 'ag-local' });
      await expect
        .poll(() =>
          page
            .locator('[data-testid="work-queue-row"][data-queue="q-pull"]')
            .getByTestId('work-queue-depth')
            .textContent(),
        )
        .toBe('1');
      const agentRow = page.locator('[data-testid="work-agent-row"][data-agent="ag-local"]');
      expect(await agentRow.getByTestId('work-agent-load').textContent()).toBe('1 / 3');
    });

    await step('french', async () => {
      await page.getByTestId('lang-fr').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Supervision');
      await page.getByTestId('work-nav-workAgent').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Mes tâches');
      await expect.poll(() => page.getByTestId('work-item').count()).toBe(0);
      await page.getByTestId('work-open').first().click();
      await expect.poll(() => page.getByTestId('work-item-status').textContent()).toBe('Attribué');
    });

    await step('phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('work-item').waitFor();
      // The page's content is no wider than the screen (tables scroll inside their own box).
      const overflow = await page.evaluate(() => {
        const main = document.querySelector('main');
        return main ? main.scrollWidth - main.clientWidth : Number.NaN;
      });
      expect(overflow).toBeLessThanOrEqual(0);
    });

    expect(problems.filter((p) => !p.startsWith('409 '))).toEqual([]);
    expect(problems.filter((p) => p.startsWith('409 '))).toHaveLength(1);
  }, 240_000);
});
