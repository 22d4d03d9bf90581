import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../src/config/index.ts';
import { GenesysApiError, GenesysClient } from '../src/sources/genesys/client.ts';
import { genesysSettings, planIntervals } from '../src/sources/genesys/index.ts';

const SECRET = 'unit-secret-5d8e';
const ok = z.looseObject({ ok: z.boolean() });

/** A scripted fetch: each call takes the next answer (a Response, or an Error to throw). */
function scripted(answers: (Response | Error | (() => Response))[]) {
  const calls: { url: string; auth: string | null }[] = [];
  const fetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    calls.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (next === undefined) throw new Error('no scripted answer left');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const token = (value = 'tok-1', expiresIn = 3600) => json({ access_token: value, expires_in: expiresIn });

function client(fetch: typeof globalThis.fetch, waits: number[] = [], maxAttempts = 3) {
  let clock = 0;
  return new GenesysClient({
    apiUrl: 'https://api.example.test',
    loginUrl: 'https://login.example.test',
    clientId: 'unit-client',
    clientSecret: SECRET,
    retry: { maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 },
    requestTimeoutMs: 1000,
    fetch,
    random: () => 1,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
  });
}

describe('GenesysClient', () => {
  it('gets a token once with the client-credentials grant and reuses it until it expires', async () => {
    const { fetch, calls } = scripted([token(), json({ ok: true }), json({ ok: true })]);
    const c = client(fetch);
    await c.get('/api/v2/a', ok);
    await c.get('/api/v2/b', ok);
    expect(calls.map((x) => x.url)).toEqual([
      'https://login.example.test/oauth/token',
      'https://api.example.test/api/v2/a',
      'https://api.example.test/api/v2/b',
    ]);
    expect(calls[0]?.auth).toBe(`Basic ${Buffer.from(`unit-client:${SECRET}`).toString('base64')}`);
    expect(calls[1]?.auth).toBe('Bearer tok-1');
  });

  it('renews the token once on a 401, and fails with a clear error on a second 401', async () => {
    const { fetch, calls } = scripted([token('old'), json({}, 401), token('new'), json({ ok: true })]);
    await expect(client(fetch).get('/api/v2/x', ok)).resolves.toEqual({ ok: true });
    expect(calls.map((x) => x.auth)).toContain('Bearer new');

    const twice = scripted([token('a'), json({}, 401), token('b'), json({ message: 'no' }, 401)]);
    const error = await client(twice.fetch)
      .get('/api/v2/x', ok)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysApiError);
    expect((error as Error).message).toMatch(/GET \/api\/v2\/x failed: HTTP 401.*refused twice/);
  });

  it('waits for Retry-After on 429 and backs off exponentially with jitter on 5xx and network errors', async () => {
    const waits: number[] = [];
    const { fetch } = scripted([
      token(),
      json({ message: 'slow down' }, 429, { 'retry-after': '2' }),
      json({}, 503),
      new TypeError('fetch failed'),
      json({ ok: true }),
    ]);
    const c = client(fetch, waits, 5);
    await expect(c.get('/api/v2/x', ok)).resolves.toEqual({ ok: true });
    // Retry-After 2 s, then random()=1 × base × 2^(attempt−1): attempts 2 and 3.
    expect(waits).toEqual([2000, 200, 400]);
    expect(c.retries).toBe(3);
  });

  it('stops after the bounded number of attempts with what failed, never the secret', async () => {
    const { fetch } = scripted([token(), json({}, 500), json({}, 502), json({ message: 'down' }, 503)]);
    const error = (await client(fetch)
      .post('/api/v2/analytics/conversations/details/query', ok, { q: 1 })
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error).toBeInstanceOf(GenesysApiError);
    expect(error.message).toBe(
      'POST /api/v2/analytics/conversations/details/query failed after 3 attempts: HTTP 503: down',
    );
    expect(error.status).toBe(503);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
  });

  it('never quotes the credentials or the token from an error body (a proxy echoing the request)', async () => {
    const basic = Buffer.from(`unit-client:${SECRET}`).toString('base64');
    const echo = () =>
      new Response(`proxy error; request had Authorization: Basic ${basic} and Bearer tok-1 (${SECRET})`, {
        status: 502,
      });
    const { fetch } = scripted([token(), echo(), echo(), echo()]);
    const error = (await client(fetch)
      .get('/api/v2/x', ok)
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.message).toContain('[redacted]');
    for (const secret of [SECRET, basic, 'tok-1']) expect(error.message).not.toContain(secret);
  });

  it('does not retry a 4xx other than 401/429, and names the credentials on a refused grant', async () => {
    const refused = scripted([json({ error: 'invalid_client', error_description: 'bad secret' }, 401)]);
    const error = (await client(refused.fetch)
      .get('/api/v2/x', ok)
      .catch((e: unknown) => e)) as GenesysApiError;
    expect(error.message).toContain('POST /oauth/token failed: HTTP 401: bad secret');
    expect(error.message).toContain('CASEFLOW_GENESYS_CLIENT_SECRET');
    expect(error.message).not.toContain(SECRET);

    const { fetch, calls } = scripted([token(), json({ message: 'bad interval' }, 400)]);
    await expect(client(fetch).get('/api/v2/x', ok)).rejects.toThrow('HTTP 400: bad interval');
    expect(calls).toHaveLength(2);
  });
});

describe('planIntervals', () => {
  const H = 3_600_000;
  const D = 24 * H;
  const source = { jobIntervalDays: 7, queryIntervalHours: 24 };

  it('reads up to the jobs’ data availability through jobs, the rest through queries', () => {
    const plan = planIntervals(0, 20 * D + 12 * H, 17 * D, source);
    expect(plan.map((i) => [i.method, i.start / D, i.end / D])).toEqual([
      ['job', 0, 7],
      ['job', 7, 14],
      ['job', 14, 17],
      ['query', 17, 18],
      ['query', 18, 19],
      ['query', 19, 20],
      ['query', 20, 20.5],
    ]);
  });

  it('uses the query alone for a range shorter than one query interval before availability', () => {
    const plan = planIntervals(10 * D, 11 * D + 6 * H, 10 * D + 20 * H, source);
    expect(plan.map((i) => i.method)).toEqual(['query', 'query']);
    expect(plan[0]?.start).toBe(10 * D);
    expect(plan.at(-1)?.end).toBe(11 * D + 6 * H);
  });
});

describe('Genesys connector configuration', () => {
  it('names the valid regions and refuses secrets in the file', () => {
    expect(() => parseConfig({ sources: { genesys: { region: 'eu-west-1' } } })).toThrow(/mypurecloud\.ie/);
    expect(() =>
      parseConfig({ sources: { genesys: { region: 'mypurecloud.ie', clientSecret: 'x' } } }),
    ).toThrow(/unknown key "sources.genesys.clientSecret"/);
  });

  it('reads the OAuth client from the environment and says which variable is missing', () => {
    const config = parseConfig({ sources: { genesys: { region: 'mypurecloud.ie' } } });
    expect(() => genesysSettings(config, { CASEFLOW_GENESYS_CLIENT_ID: 'id' })).toThrow(
      /CASEFLOW_GENESYS_CLIENT_SECRET is not set/,
    );
    expect(() => genesysSettings(parseConfig({}), {})).toThrow(ConfigError);
    const s = genesysSettings(config, {
      CASEFLOW_GENESYS_CLIENT_ID: 'id',
      CASEFLOW_GENESYS_CLIENT_SECRET: SECRET,
    });
    expect([s.apiUrl, s.loginUrl]).toEqual(['https://api.mypurecloud.ie', 'https://login.mypurecloud.ie']);
  });
});
