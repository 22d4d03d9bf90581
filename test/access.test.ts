/**
 * Access control: the permission matrix over every route the app registers (generated from the app's own
 * route list, so a route added later is covered — and one without a rule stops the app), sign-in, sessions,
 * API tokens, roles, lockout, audit, dev and production modes.
 */
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessService,
  BUILTIN_ROLES,
  grants,
  isKnownPattern,
  PERMISSION_NAMES,
} from '../src/access/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { assertServable, buildApp } from '../src/server/index.ts';
import { redactUrl } from '../src/server/logging.ts';
import { type OperationalStore, openOperationalStore, openStore, type Store } from '../src/store/index.ts';
import { runCaseflow, tempDir } from './support.ts';

/** The routes anyone may call: the explicit allow-list (plus the dashboard's static files). */
const PUBLIC_API = [
  'GET /api/v1/health',
  'GET /api/v1/auth/me',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
];
const PASSWORD = 'correct horse battery';

interface Env {
  app: FastifyInstance;
  store: Store;
  operational: OperationalStore;
  service: AccessService;
  clock: { now: number };
  dir: string;
}

async function start(config = parseConfig({ access: { enabled: true } })): Promise<Env> {
  const dir = tempDir();
  const store = await openStore(dir);
  const operational = await openOperationalStore({ dataDir: dir });
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
  const app = await buildApp({ store, config, operational, now: () => clock.now });
  await app.ready();
  const service = new AccessService(operational.db, config.access, { now: () => clock.now });
  return { app, store, operational, service, clock, dir };
}

async function stop(env: Env): Promise<void> {
  await env.app.close();
  await env.operational.close();
  env.store.close();
  rmSync(env.dir, { recursive: true, force: true });
}

async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'caseflow_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  return `caseflow_session=${cookie?.value}`;
}

/** A URL for a route: parameters get a placeholder value (the answer is then 404/400, never 401/403). */
const concrete = (url: string): string => url.replace(/:(\w+)/g, (_, name: string) => `x-${name}`);

describe('permission matrix over every route', () => {
  let env: Env;
  const sessions = new Map<string, string>();
  beforeAll(async () => {
    env = await start();
    for (const role of BUILTIN_ROLES) {
      await env.service.createUser(
        { username: `u-${role.name}`, password: PASSWORD, roles: [role.name], divisions: 'all' },
        { username: 'test' },
      );
      sessions.set(role.name, await login(env.app, `u-${role.name}`));
    }
  }, 60_000);
  afterAll(() => stop(env));

  it('gives every route a known rule, and only the allow-list is public', () => {
    const rules = env.app.accessRules;
    expect(rules.length).toBeGreaterThan(40);
    for (const r of rules)
      expect(
        r.access === 'public' || r.access === 'signed-in' || isKnownPattern(r.access),
        `${r.method} ${r.url}: ${r.access}`,
      ).toBe(true);
    const publicApi = rules
      .filter((r) => r.access === 'public' && r.url.startsWith('/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(publicApi).toEqual([...PUBLIC_API].sort());
  });

  it('answers each route for anonymous callers and each built-in role as the role grants', async () => {
    const rules = env.app.accessRules.filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/'));
    const failures: string[] = [];
    for (const rule of rules) {
      const url = concrete(rule.url);
      const method = rule.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      const streaming = /\/(live|stream)$/.test(url); // server-sent events stay open
      const anonymous = await env.app.inject({ method, url });
      const anonymousAllowed = rule.access === 'public';
      if (!anonymousAllowed && anonymous.statusCode !== 401)
        failures.push(`anonymous ${method} ${url}: ${anonymous.statusCode}, expected 401`);
      if (anonymousAllowed && [401, 403].includes(anonymous.statusCode))
        failures.push(`anonymous ${method} ${url}: ${anonymous.statusCode}, expected access`);
      for (const role of BUILTIN_ROLES) {
        const allowed =
          rule.access === 'public' || rule.access === 'signed-in' || grants(role.permissions, rule.access);
        if (allowed && streaming) continue; // an event stream stays open: its refusals are checked above
        if (method === 'POST' && url === '/api/v1/auth/logout') continue; // would end the role's session
        const res = await env.app.inject({ method, url, headers: { cookie: sessions.get(role.name) ?? '' } });
        const refused = res.statusCode === 401 || res.statusCode === 403;
        if (allowed === refused)
          failures.push(
            `${role.name} ${method} ${url} (${rule.access}): ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
        if (res.statusCode >= 500)
          failures.push(`${role.name} ${method} ${url}: ${res.statusCode} ${res.body}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('matches what the built-in roles are for', async () => {
    const status = async (role: string, url: string, method: 'GET' | 'POST' = 'GET') =>
      (await env.app.inject({ method, url, headers: { cookie: sessions.get(role) ?? '' } })).statusCode;
    expect(await status('analyst', '/api/v1/users')).toBe(403);
    expect(await status('analyst', '/api/v1/process-map')).toBe(200);
    expect(await status('agent', '/api/v1/process-map')).toBe(403);
    expect(await status('agent', '/api/v1/reports/opened-heatmap')).toBe(403);
    expect(await status('supervisor', '/api/v1/reports/opened-heatmap')).toBe(200);
    expect(await status('supervisor', '/api/v1/audit')).toBe(403);
    expect(await status('admin', '/api/v1/audit')).toBe(200);
  });

  it('stops an app whose route has no access rule', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const app = await buildApp({ store, config: parseConfig({}) });
    app.get('/api/v1/forgotten', async () => ({ ok: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/api\/v1\/forgotten/);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('sign-in, sessions, tokens, roles and audit', () => {
  let env: Env;
  beforeAll(async () => {
    env = await start(parseConfig({ access: { enabled: true, sessionHours: 1, maxFailedLogins: 3 } }));
    await env.service.createUser(
      { username: 'ada', password: PASSWORD, roles: ['analyst'], divisions: ['main'] },
      { username: 'test' },
    );
    await env.service.createUser(
      { username: 'root', password: PASSWORD, roles: ['admin'], divisions: 'all' },
      { username: 'test' },
    );
  }, 60_000);
  afterAll(() => stop(env));

  it('says who is signed in, and nobody without a session', async () => {
    const anonymous = (await env.app.inject({ url: '/api/v1/auth/me' })).json();
    expect(anonymous).toEqual({ mode: 'login', user: null, permissions: [], divisions: [] });
    const cookie = await login(env.app, 'ada');
    const me = (await env.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).json();
    expect(me.user.username).toBe('ada');
    expect(me.divisions).toEqual(['main']);
    expect(me.permissions).toContain('analytics:processMap:view');
  });

  it('ends a session after sessionHours without a request, and on logout', async () => {
    const cookie = await login(env.app, 'ada');
    const kpis = () => env.app.inject({ url: '/api/v1/kpis', headers: { cookie } });
    expect((await kpis()).statusCode).toBe(200);
    env.clock.now += 50 * 60_000; // 50 min later: still valid, and the expiry slides
    expect((await kpis()).statusCode).toBe(200);
    env.clock.now += 50 * 60_000;
    expect((await kpis()).statusCode).toBe(200);
    env.clock.now += 61 * 60_000;
    expect((await kpis()).statusCode).toBe(401);
    const again = await login(env.app, 'ada');
    await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: again } });
    expect((await env.app.inject({ url: '/api/v1/kpis', headers: { cookie: again } })).statusCode).toBe(401);
  });

  it('locks a user name out after maxFailedLogins in the window, then lets it in again', async () => {
    const attempt = (password: string) =>
      env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'root', password } });
    for (let i = 0; i < 3; i++) expect((await attempt('nope nope nope')).statusCode).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().message).toMatch(/too many failed logins/);
    env.clock.now += 16 * 60_000;
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a cross-site write with a session cookie', async () => {
    const cookie = await login(env.app, 'root');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: { cookie, origin: 'https://evil.example', host: 'localhost:4100' },
      payload: { name: 'x1', permissions: ['analytics:*'] },
    });
    expect(res.statusCode).toBe(403);
  });

  it('gives API tokens their scopes within their user’s permissions, stores only a hash, and revokes them', async () => {
    const cookie = await login(env.app, 'ada');
    const beyond = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload: { name: 'too much', scopes: ['admin:*'] },
    });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().message).toMatch(/covers no permission you hold/);
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload: { name: 'reports bot', scopes: ['analytics:reports:view'] },
    });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^cf_/);
    const stored = await env.operational.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(16));
    const bearer = { authorization: `Bearer ${secret}` };
    expect(
      (await env.app.inject({ url: '/api/v1/reports/opened-heatmap', headers: bearer })).statusCode,
    ).toBe(200);
    // ada may view the process map, the token may not
    expect((await env.app.inject({ url: '/api/v1/process-map', headers: bearer })).statusCode).toBe(403);
    expect((await env.app.inject({ url: '/api/v1/process-map', headers: { cookie } })).statusCode).toBe(200);
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(
      (await env.app.inject({ url: '/api/v1/kpis', headers: { authorization: `Bearer ${wrong}` } }))
        .statusCode,
    ).toBe(401);
    const revoked = await env.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { cookie },
    });
    expect(revoked.statusCode).toBe(204);
    expect(
      (await env.app.inject({ url: '/api/v1/reports/opened-heatmap', headers: bearer })).statusCode,
    ).toBe(401);
    const list = (await env.app.inject({ url: '/api/v1/tokens', headers: { cookie } })).json().items;
    expect(list.find((t: { id: string }) => t.id === token.id).revokedAt).not.toBeNull();
  });

  it('applies custom roles, refuses unknown permissions and changes to built-in roles', async () => {
    const cookie = await login(env.app, 'root');
    const post = (payload: object) =>
      env.app.inject({ method: 'POST', url: '/api/v1/roles', headers: { cookie }, payload });
    expect((await post({ name: 'bad', permissions: ['analytics:nothing:here'] })).statusCode).toBe(400);
    expect((await post({ name: 'admin', permissions: ['analytics:*'] })).statusCode).toBe(409);
    expect((await post({ name: 'reports-only', permissions: ['analytics:reports:view'] })).statusCode).toBe(
      201,
    );
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie },
      payload: { username: 'rita', roles: ['reports-only'], divisions: 'all' },
    });
    expect(created.statusCode).toBe(201);
    const oneTime = created.json().password as string;
    expect(oneTime.length).toBeGreaterThanOrEqual(20);
    const rita = await login(env.app, 'rita', oneTime);
    expect(
      (await env.app.inject({ url: '/api/v1/reports/opened-heatmap', headers: { cookie: rita } })).statusCode,
    ).toBe(200);
    expect((await env.app.inject({ url: '/api/v1/process-map', headers: { cookie: rita } })).statusCode).toBe(
      403,
    );
    expect(
      (await env.app.inject({ method: 'DELETE', url: '/api/v1/roles/reports-only', headers: { cookie } }))
        .statusCode,
    ).toBe(409);
    // disabling ends the sessions
    const id = created.json().user.id as string;
    const patch = await env.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: { cookie },
      payload: { disabled: true },
    });
    expect(patch.statusCode).toBe(200);
    expect(
      (await env.app.inject({ url: '/api/v1/reports/opened-heatmap', headers: { cookie: rita } })).statusCode,
    ).toBe(401);
  });

  it('audits logins, failed logins, permission changes and token changes, without secrets', async () => {
    const cookie = await login(env.app, 'root');
    const res = await env.app.inject({ url: '/api/v1/audit?pageSize=500', headers: { cookie } });
    const items = res.json().items as { action: string; target: string | null; details: unknown }[];
    const actions = new Set(items.map((i) => i.action));
    for (const a of [
      'login',
      'login.failed',
      'login.locked',
      'logout',
      'role.create',
      'user.create',
      'user.update',
      'token.create',
      'token.revoke',
    ])
      expect(actions, a).toContain(a);
    expect(JSON.stringify(items)).not.toContain(PASSWORD);
    const failed = (await env.app.inject({ url: '/api/v1/audit?action=login', headers: { cookie } })).json()
      .items;
    expect(failed.every((i: { action: string }) => i.action.startsWith('login'))).toBe(true);
  });
});

describe('dev mode and production', () => {
  it('serves every request as the local administrator when access control is off', async () => {
    const env = await start(parseConfig({}));
    const me = (await env.app.inject({ url: '/api/v1/auth/me' })).json();
    expect(me).toMatchObject({
      mode: 'dev',
      user: { username: 'local' },
      divisions: 'all',
      permissions: ['*'],
    });
    expect((await env.app.inject({ url: '/api/v1/users' })).statusCode).toBe(200);
    await stop(env);
  });

  it('refuses NODE_ENV=production without access control', () => {
    expect(() => assertServable(parseConfig({}), { NODE_ENV: 'production' })).toThrow(/needs access control/);
    expect(() =>
      assertServable(parseConfig({ access: { enabled: true } }), { NODE_ENV: 'production' }),
    ).not.toThrow();
    expect(() => assertServable(parseConfig({}), {})).not.toThrow();
  });

  it('creates the first administrator once, with a one-time password that signs in', async () => {
    const env = await start();
    const first = await env.service.ensureFirstAdmin();
    expect(first?.username).toBe('admin');
    expect(await env.service.ensureFirstAdmin()).toBeNull();
    await login(env.app, 'admin', first?.password);
    await stop(env);
  });

  it('knows every permission a built-in role names', () => {
    for (const role of BUILTIN_ROLES)
      for (const p of role.permissions) expect(isKnownPattern(p), p).toBe(true);
    expect(PERMISSION_NAMES).toContain('journey:event:view');
  });
});

describe('hardening', () => {
  let env: Env;
  beforeAll(async () => {
    env = await start(parseConfig({ access: { enabled: true, maxFailedLogins: 3 } }));
    const cli = { username: 'test' };
    await env.service.createRole(
      { name: 'user-admin', permissions: ['admin:user:*', 'analytics:reports:view'] },
      cli,
    );
    await env.service.createUser(
      { username: 'uma', password: PASSWORD, roles: ['user-admin'], divisions: ['main'] },
      cli,
    );
    await env.service.createUser(
      { username: 'ada', password: PASSWORD, roles: ['analyst'], divisions: 'all' },
      cli,
    );
    await env.service.createUser(
      { username: 'guess', password: PASSWORD, roles: ['analyst'], divisions: 'all' },
      cli,
    );
  }, 60_000);
  afterAll(() => stop(env));

  it('counts parallel login attempts one after the other: no more verifications than the lockout allows', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'guess', password: i === 11 ? PASSWORD : `wrong guess ${i}` },
      }),
    );
    const codes = (await Promise.all(attempts)).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(8);
    const failed = await env.operational.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'login.failed')
      .where('target', '=', 'guess')
      .executeTakeFirstOrThrow();
    expect(Number(failed.n)).toBeLessThanOrEqual(3);
  });

  it('does not let an API token mint tokens, nor a scope exceed what the caller holds', async () => {
    const cookie = await login(env.app, 'ada');
    const narrow = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload: { name: 'narrow', scopes: ['integrations:source:view'] },
    });
    const bearer = { authorization: `Bearer ${narrow.json().secret}` };
    const minted = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer,
      payload: { name: 'wide', scopes: ['*'] },
    });
    expect(minted.statusCode).toBe(403);
    expect((await env.app.inject({ url: '/api/v1/tokens', headers: bearer })).statusCode).toBe(403);
  });

  it('ends the other sessions when a user changes their password, not the current one', async () => {
    const first = await login(env.app, 'ada');
    const second = await login(env.app, 'ada');
    const changed = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: first },
      payload: { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` },
    });
    expect(changed.statusCode).toBe(204);
    expect((await env.app.inject({ url: '/api/v1/kpis', headers: { cookie: first } })).statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/v1/kpis', headers: { cookie: second } })).statusCode).toBe(401);
  });

  it('refuses to hand out roles, permissions or divisions the granter does not hold', async () => {
    const cookie = await login(env.app, 'uma');
    const post = (url: string, payload: object) =>
      env.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    const admin = await post('/api/v1/users', { username: 'mallory', roles: ['admin'], divisions: ['main'] });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().message).toMatch(/"admin" grant permissions you do not hold/);
    const everywhere = await post('/api/v1/users', {
      username: 'mallory',
      roles: ['user-admin'],
      divisions: 'all',
    });
    expect(everywhere.statusCode).toBe(403);
    const ok = await post('/api/v1/users', {
      username: 'mallory',
      roles: ['user-admin'],
      divisions: ['main'],
    });
    expect(ok.statusCode).toBe(201);
    const self = await env.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/uma',
      headers: { cookie },
      payload: { disabled: true },
    });
    expect(self.statusCode).toBe(409);
  });

  it('answers a malformed Origin with 403, not an error', async () => {
    const cookie = await login(env.app, 'uma');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, origin: 'garbage' },
    });
    expect(res.statusCode).not.toBe(500);
    const write = await env.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie, origin: 'garbage' },
      payload: { name: 'x', scopes: ['analytics:reports:view'] },
    });
    expect(write.statusCode).toBe(403);
  });
});

describe('dev mode on loopback', () => {
  it('answers localhost only, and refuses cross-site writes', async () => {
    const env = await start(parseConfig({}));
    expect(
      (await env.app.inject({ url: '/api/v1/auth/me', headers: { host: 'localhost:4100' } })).statusCode,
    ).toBe(200);
    expect(
      (await env.app.inject({ url: '/api/v1/auth/me', headers: { host: '127.0.0.1:4100' } })).statusCode,
    ).toBe(200);
    const rebound = await env.app.inject({ url: '/api/v1/kpis', headers: { host: 'attacker.example:4100' } });
    expect(rebound.statusCode).toBe(403);
    const crossSite = await env.app.inject({
      method: 'POST',
      url: '/api/v1/sources/genesys/sync',
      headers: { host: 'localhost:4100', origin: 'https://attacker.example' },
    });
    expect(crossSite.statusCode).toBe(403);
    await stop(env);
  });

  it('keeps customer identifiers out of request logs', () => {
    expect(redactUrl('/api/v1/customers/phone%3A%2B33612345678/journey?limit=5')).toBe(
      '/api/v1/customers/…/journey?limit=5',
    );
    expect(redactUrl('/api/v1/customers?q=%2B336&conversationId=c1&limit=3')).toBe(
      '/api/v1/customers?q=…&conversationId=…&limit=3',
    );
  });
});

describe('caseflow users, tokens and audit', () => {
  it('creates an administrator with a one-time password, a token, and lists the audit log', async () => {
    const dir = tempDir();
    const args = ['--data-dir', dir];
    const created = await runCaseflow(['users', 'create', 'boss', '--admin', ...args]);
    expect(created.code, created.stderr).toBe(0);
    const password = /shown once: (\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const chosen = await runCaseflow(
      ['users', 'create', 'ana', '--role', 'analyst', '--division', 'main', '--password-stdin', ...args],
      {},
      'a chosen password\n',
    );
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).not.toContain('shown once');
    const bad = await runCaseflow(['users', 'create', 'xavier', '--role', 'nope', ...args]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/roles: unknown "nope"/);
    const list = JSON.parse((await runCaseflow(['users', 'list', '--json', ...args])).stdout) as {
      username: string;
      divisions: unknown;
    }[];
    expect(list.map((u) => [u.username, u.divisions])).toEqual([
      ['ana', ['main']],
      ['boss', 'all'],
    ]);
    const token = await runCaseflow([
      'tokens',
      'create',
      'ana',
      '--name',
      'bot',
      '--scope',
      'analytics:reports:view',
      ...args,
    ]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/cf_[A-Za-z0-9]{12}_/);
    const audit = JSON.parse((await runCaseflow(['audit', '--json', ...args])).stdout) as {
      items: { action: string; actor: string }[];
    };
    expect(audit.items.map((i) => i.action)).toEqual(['token.create', 'user.create', 'user.create']);
    expect(audit.items[0]?.actor).toMatch(/^cli:/);
    // the password chosen through stdin signs in
    const store = await openStore(dir);
    const operational = await openOperationalStore({ dataDir: dir });
    const app = await buildApp({ store, config: parseConfig({ access: { enabled: true } }), operational });
    await login(app, 'ana', 'a chosen password');
    await app.close();
    await operational.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
