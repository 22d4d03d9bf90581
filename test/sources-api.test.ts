import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/index.ts';
import { openStore } from '../src/store/index.ts';
import { FakeGenesys } from './fake-genesys.ts';
import { tempDir } from './support.ts';

const SECRET = 'api-test-secret-93kq';

describe('GET /api/v1/sources and POST /api/v1/sources/genesys/sync', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  async function app(sources: unknown, env: NodeJS.ProcessEnv) {
    const dir = tempDir();
    dirs.push(dir);
    const store = await openStore(dir);
    const server = await buildApp({ store, config: parseConfig({ sources }), env });
    return {
      server,
      status: async () => (await server.inject({ url: '/api/v1/sources' })).json().sources[0],
      sync: () => server.inject({ method: 'POST', url: '/api/v1/sources/genesys/sync' }),
      close: async () => {
        await server.close();
        store.close();
      },
    };
  }

  it('shows a connector that is not configured as disabled, and refuses to sync it', async () => {
    const a = await app({}, {});
    expect(await a.status()).toMatchObject({ configured: false, state: 'disabled', lastRun: null });
    const res = await a.sync();
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/not configured/);
    await a.close();
  });

  it('names a missing environment variable as the configuration problem', async () => {
    const a = await app({ genesys: { region: 'mypurecloud.ie' } }, { CASEFLOW_GENESYS_CLIENT_ID: 'x' });
    const s = await a.status();
    expect(s).toMatchObject({ configured: true, state: 'failed', region: 'mypurecloud.ie' });
    expect(s.apiUrl).toBe('https://api.mypurecloud.ie');
    expect(s.error).toContain('CASEFLOW_GENESYS_CLIENT_SECRET is not set');
    expect((await a.sync()).statusCode).toBe(400);
    await a.close();
  });

  it('shows a refused token as a failed run, then a good run with its counts; one run at a time', async () => {
    const fake = await FakeGenesys.start({
      clientId: 'cid',
      clientSecret: SECRET,
      dataAvailabilityDate: new Date(Date.now() - 86_400_000).toISOString(),
      conversations: [],
    });
    const sources = { genesys: { region: 'mypurecloud.ie', baseUrl: fake.url, firstSyncDays: 2 } };
    const bad = await app(sources, {
      CASEFLOW_GENESYS_CLIENT_ID: 'cid',
      CASEFLOW_GENESYS_CLIENT_SECRET: 'wrong',
    });
    expect((await bad.sync()).statusCode).toBe(202);
    await expect.poll(async () => (await bad.status()).lastRun?.status).toBe('failed');
    const failed = await bad.status();
    expect(failed.state).toBe('failed');
    expect(failed.lastRun.error).toMatch(
      /POST \/oauth\/token failed: HTTP 401.*CASEFLOW_GENESYS_CLIENT_SECRET/,
    );
    await bad.close();

    const good = await app(sources, {
      CASEFLOW_GENESYS_CLIENT_ID: 'cid',
      CASEFLOW_GENESYS_CLIENT_SECRET: SECRET,
    });
    fake.inject({ path: '/api/v2/organizations/me' }, { delayMs: 300 });
    expect((await good.sync()).statusCode).toBe(202);
    const second = await good.sync();
    expect(second.statusCode).toBe(409);
    expect((await good.status()).state).toBe('running');
    await expect.poll(async () => (await good.status()).lastRun?.status).toBe('succeeded');
    // The run stays "running" while the server warms its process-mining tables with the new data.
    await expect.poll(async () => (await good.status()).state).toBe('idle');
    const s = await good.status();
    expect(s).toMatchObject({ state: 'idle', organization: { id: 'org-fake-1' }, error: null });
    expect(s.lastRun).toMatchObject({ trigger: 'manual', conversations: 0, error: null });
    expect(Date.parse(s.watermark)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(s)).not.toContain(SECRET);

    // Closing the server stops a run that waits on a long Retry-After, without waiting it out.
    fake.inject({ path: '/api/v2/organizations/me' }, { status: 429, retryAfter: 600 });
    expect((await good.sync()).statusCode).toBe(202);
    await expect.poll(() => fake.requests.filter((r) => r.status === 429).length).toBe(1);
    await good.close();
    await fake.close();
  });
});
