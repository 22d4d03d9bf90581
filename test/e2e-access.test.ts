/**
 * End to end, in real headless Chromium: sign-in and access administration on `caseflow serve --demo`
 * with access control on (CASEFLOW_AUTH=on, fresh data directory). The first administrator's one-time
 * password is read from the server's start-up output; then: the login page (French and English, wrong
 * password, too many failed logins) → the dashboard at the wanted URL → a new analyst with a generated
 * one-time password → sign out → the analyst sees no administration and opens the process map → an API
 * token whose secret is shown once and works, then revoked and refused → the administrator's audit log
 * lists the logins. Screenshots of each step go to test-artifacts/e2e-access/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, type RunningServer, startDemoServer, startServer } from './browser.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts/e2e-access');
const FIRST_ADMIN = /caseflow: first administrator: (\S+) \/ (\S+) \(shown once/;

// The parts of the API's answers this test reads (src/server/routes/access.ts).
interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  divisions: string[] | 'all';
  lastLoginAt: string | null;
}
interface Me {
  mode: 'dev' | 'login';
  user: User | null;
}
interface AuditResponse {
  total: number;
  items: { actor: string; action: string }[];
}

describe('sign-in and access administration in headless Chromium (CASEFLOW_AUTH=on)', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let admin: { username: string; password: string };

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    server = await startServer(['serve', '--demo'], { CASEFLOW_AUTH: 'on', NODE_ENV: 'production' });
    // Printed on stderr before the server listens, so it is there once /health answers.
    const printed = FIRST_ADMIN.exec(server.output());
    if (!printed?.[1] || !printed[2])
      throw new Error(`no first administrator in the server output:\n${server.output()}`);
    admin = { username: printed[1], password: printed[2] };
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('login, users, an analyst without administration, API tokens and the audit log', async () => {
    const tab = await openPage(browser, {
      artifacts: ARTIFACTS,
      viewport: { width: 1440, height: 900 },
      // Wrong passwords, too many logins, a forbidden page: 4xx answers on purpose.
      problemStatus: 500,
      grant: { permissions: ['clipboard-read', 'clipboard-write'], origin: server.base },
    });
    context = tab.context;
    const { page, step, problems } = tab;

    /** The API as the browser's session (its cookie). */
    const api = async <T>(route: string): Promise<T> => {
      const res = await context?.request.get(`${server.base}/api/v1${route}`);
      expect(res?.status(), `GET ${route}`).toBe(200);
      return (await res?.json()) as T;
    };
    const signIn = async (p: Page, username: string, password: string) => {
      await p.getByTestId('login-username').fill(username);
      await p.getByTestId('login-password').fill(password);
      await p.getByTestId('login-submit').click();
    };
    const signOut = async () => {
      await page.getByTestId('user-name').click();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-page').waitFor();
    };
    const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

    await step('login-page', async () => {
      await page.goto(`${server.base}/map`);
      await page.getByTestId('login-page').waitFor();
      await expect(page.getByTestId('nav-map').count()).resolves.toBe(0);
      const me = await api<Me>('/auth/me');
      expect(me).toMatchObject({ mode: 'login', user: null });
    });

    await step('wrong-password-fr', async () => {
      await page.getByTestId('lang-fr').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Connexion à Caseflow');
      await signIn(page, admin.username, `${admin.password}-wrong`);
      await expect.poll(() => text('login-error')).toBe('Nom d’utilisateur ou mot de passe incorrect.');
    });

    await step('wrong-password-en', async () => {
      await page.getByTestId('lang-en').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to Caseflow');
      await signIn(page, admin.username, 'not-the-password');
      await expect.poll(() => text('login-error')).toBe('Wrong user name or password.');
    });

    await step('too-many-failed-logins', async () => {
      // The default limit: 5 failed logins of one user name in 15 minutes; the 6th is refused with 429.
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'mallory', password: `guess-number-${i}` }),
        });
        expect(res.status).toBe(401);
      }
      await signIn(page, 'mallory', 'guess-number-6');
      await expect
        .poll(() => text('login-error'))
        .toBe('Too many failed sign-ins for this user name. Try again later.');
    });

    await step('admin-signed-in', async () => {
      await signIn(page, admin.username, admin.password);
      // The wanted URL is kept: the map opens.
      await page.locator('[data-testid="process-map"][data-ready="true"]').waitFor();
      expect(new URL(page.url()).pathname).toBe('/map');
      const me = await api<Me>('/auth/me');
      expect(me.user?.username).toBe(admin.username);
      expect(await text('signed-in-name')).toBe(me.user?.displayName);
      await page.getByTestId('nav-admin').waitFor();
    });

    let analyst = { username: 'ana.lyst', password: '' };
    await step('create-analyst', async () => {
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('page-admin-users').waitFor();
      await page.locator(`[data-testid="user-row"][data-username="${admin.username}"]`).waitFor();
      await page.getByTestId('user-new').click();
      await page.getByTestId('user-username').fill(analyst.username);
      await page.getByTestId('user-display-name').fill('Ana Lyst');
      await page.getByTestId('role-analyst').check();
      await page.getByTestId('user-submit').click();
      const password = await text('one-time-password-value');
      expect(password.length).toBeGreaterThanOrEqual(10);
      analyst = { ...analyst, password };
      const row = page.locator(`[data-testid="user-row"][data-username="${analyst.username}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('Ana Lyst');
      const users = await api<{ items: User[] }>('/users');
      expect(users.items.find((u) => u.username === analyst.username)).toMatchObject({
        roles: ['analyst'],
        divisions: 'all',
        lastLoginAt: null,
      });
      // The copy button puts the password on the clipboard.
      await page.getByTestId('one-time-password-copy').click();
      await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(password);
    });

    await step('admin-signed-out', async () => {
      await signOut();
      const me = await api<Me>('/auth/me');
      expect(me.user).toBeNull();
    });

    await step('analyst-signed-in', async () => {
      await signIn(page, analyst.username, analyst.password);
      await page.getByTestId('nav-map').waitFor();
      expect(await text('signed-in-name')).toContain('Ana Lyst');
      await expect(page.getByTestId('nav-admin').count()).resolves.toBe(0);
      await expect(page.getByTestId('nav-customers').count()).resolves.toBe(0);
      await page.getByTestId('nav-map').click();
      await page.locator('[data-testid="process-map"][data-ready="true"]').waitFor();
    });

    await step('analyst-no-admin-page', async () => {
      await page.goto(`${server.base}/admin/users`);
      await page.getByTestId('forbidden').waitFor();
      await expect(page.getByTestId('page-admin-users').count()).resolves.toBe(0);
      const res = await context?.request.get(`${server.base}/api/v1/users`);
      expect(res?.status()).toBe(403);
    });

    await step('password-changed', async () => {
      await page.getByTestId('user-name').click();
      await page.getByTestId('menu-password').click();
      const dialog = page.getByTestId('password-dialog');
      await dialog.waitFor();
      const newPassword = 'a-new-password-for-ana';
      await page.getByTestId('current-password').fill('not-my-password');
      await page.getByTestId('new-password').fill(newPassword);
      await page.getByTestId('confirm-password').fill(newPassword);
      await page.getByTestId('password-submit').click();
      await expect.poll(() => text('password-message')).toBe('The current password is wrong.');
      await page.getByTestId('current-password').fill(analyst.password);
      await page.getByTestId('new-password').fill(newPassword);
      await page.getByTestId('confirm-password').fill(newPassword);
      await page.getByTestId('password-submit').click();
      await expect.poll(() => text('password-message')).toBe('Password changed.');
      analyst = { ...analyst, password: newPassword };
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
    });

    await step('session-ended', async () => {
      // The session cookie goes (as when the session expires): the next API call answers 401.
      await context?.clearCookies();
      await page.getByTestId('nav-cases').click();
      await page.getByTestId('login-expired').waitFor();
      expect(new URL(page.url()).pathname).toBe('/cases');
      // Signed in again (with the new password), the app opens the page that was wanted.
      await signIn(page, analyst.username, analyst.password);
      await page.locator('[data-testid="page-cases"][aria-busy="false"]').waitFor();
      expect(new URL(page.url()).pathname).toBe('/cases');
    });

    let secret = '';
    await step('token-created', async () => {
      await page.getByTestId('user-name').click();
      await page.getByTestId('menu-tokens').click();
      await page.getByTestId('page-tokens').waitFor();
      // Scopes offered: the analyst's own permissions only.
      await expect(page.getByTestId('perm-admin:user:view').count()).resolves.toBe(0);
      await page.getByTestId('token-name').fill('nightly export');
      await page.getByTestId('perm-analytics:processMap:view').check();
      await page.getByTestId('token-submit').click();
      secret = await text('token-secret-value');
      expect(secret).toMatch(/^cf_/);
      const row = page.locator('[data-testid="token-row"][data-name="nightly export"]');
      await expect.poll(() => row.getAttribute('data-state')).toBe('active');
      // The token works for what its scope and its user allow, and nothing else.
      const cases = await fetch(`${server.base}/api/v1/cases`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(cases.status).toBe(200);
      const reports = await fetch(`${server.base}/api/v1/reports/teams`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(reports.status).toBe(403);
    });

    await step('token-secret-shown-once', async () => {
      await page.reload();
      await page.locator('[data-testid="token-row"][data-name="nightly export"]').waitFor();
      await expect(page.getByTestId('token-secret').count()).resolves.toBe(0);
      expect(await page.content()).not.toContain(secret);
    });

    await step('token-revoked', async () => {
      page.once('dialog', (dialog) => dialog.accept());
      const row = page.locator('[data-testid="token-row"][data-name="nightly export"]');
      await row.getByTestId('token-revoke').click();
      await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');
      expect(await row.getByTestId('token-state').textContent()).toBe('revoked');
      const refused = await fetch(`${server.base}/api/v1/cases`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(refused.status).toBe(401);
    });

    await step('audit-log', async () => {
      await signOut();
      await signIn(page, admin.username, admin.password);
      await page.getByTestId('nav-admin').waitFor();
      await page.goto(`${server.base}/admin/audit`);
      await page.getByTestId('audit-table').waitFor();
      await page.getByTestId('audit-action').fill('login');
      await page.getByTestId('audit-apply').click();
      await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('login');
      const expected = await api<AuditResponse>('/audit?action=login&pageSize=50');
      const rows = page.getByTestId('audit-row');
      await expect.poll(() => rows.count()).toBe(Math.min(expected.total, 50));
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) => `${tr.getAttribute('data-actor')} ${tr.getAttribute('data-action')}`),
      );
      expect(shown).toEqual(expected.items.map((e) => `${e.actor} ${e.action}`));
      // Newest first: the administrator's sign-in now, the analyst's two (before and after the session
      // ended), the administrator's first one.
      const logins = shown.filter((s) => s.endsWith(' login'));
      expect(logins).toEqual([
        `${admin.username} login`,
        `${analyst.username} login`,
        `${analyst.username} login`,
        `${admin.username} login`,
      ]);
      expect(shown).toContain(`${admin.username} login.failed`);
      expect(shown).toContain('mallory login.locked');
    });

    await step('custom-role', async () => {
      await page.getByTestId('admin-nav-adminRoles').click();
      await page.getByTestId('page-admin-roles').waitFor();
      const builtin = page.locator('[data-testid="role-row"][data-role="analyst"]');
      await builtin.waitFor();
      await expect(builtin.getByTestId('role-edit').count()).resolves.toBe(0);
      await page.getByTestId('role-new').click();
      await page.getByTestId('role-name').fill('auditor');
      await page.getByTestId('role-description').fill('Reads the audit log');
      await page.getByTestId('perm-admin:audit:view').check();
      await page.getByTestId('role-save').click();
      const row = page.locator('[data-testid="role-row"][data-role="auditor"]');
      await row.waitFor();
      const roles = await api<{ items: { name: string; permissions: string[]; builtin: boolean }[] }>(
        '/roles',
      );
      expect(roles.items.find((r) => r.name === 'auditor')).toEqual({
        name: 'auditor',
        description: 'Reads the audit log',
        permissions: ['admin:audit:view'],
        builtin: false,
      });
      page.once('dialog', (dialog) => dialog.accept());
      await row.getByTestId('role-delete').click();
      await expect.poll(() => row.count()).toBe(0);
    });

    expect(problems).toEqual([]);
  });
});

describe('dev mode (access control off, as `npm start`)', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens the dashboard without a login, as the local user', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.base}/admin/users`);
    await page.getByTestId('page-admin-users').waitFor();
    expect((await page.getByTestId('user-name').textContent())?.trim()).toBe('Local user (dev mode)');
    await expect(page.getByTestId('login-page').count()).resolves.toBe(0);
    await expect(page.getByTestId('sign-out').count()).resolves.toBe(0);
    const me = (await (await fetch(`${server.base}/api/v1/auth/me`)).json()) as Me;
    expect(me.mode).toBe('dev');
    await page.close();
  });
});
