import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGenesys } from './fake-genesys.ts';

type Json = Record<string, unknown>;
const ORG = '/api/v2/organizations/me';
const JOBS = '/api/v2/analytics/conversations/details/jobs';

const conversation = (n: number, day = n) => ({
  conversationId: `c${n}`,
  conversationStart: `2024-03-${String(day).padStart(2, '0')}T10:00:00.000Z`,
  participants: [],
});
const basic = (secret: string) => `Basic ${Buffer.from(`id-1:${secret}`).toString('base64')}`;
const ids = (body: Json) =>
  ((body.conversations ?? []) as { conversationId: string }[]).map((c) => c.conversationId);

let fake: FakeGenesys;

async function grant(secret = 'secret-1', grantType = 'client_credentials') {
  const res = await fetch(`${fake.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=${grantType}`,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function token(): Promise<string> {
  return (await grant()).body.access_token as string;
}

async function api(bearer: string | undefined, path: string, body?: unknown) {
  const res = await fetch(`${fake.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

beforeEach(async () => {
  fake = await FakeGenesys.start({
    clientId: 'id-1',
    clientSecret: 'secret-1',
    conversations: [5, 3, 1, 4, 2].map((n) => conversation(n)).concat(conversation(6, 20)),
    directory: { users: [1, 2, 3].map((n) => ({ id: `u${n}`, name: `User ${n}` })) },
    dataAvailabilityDate: '2024-04-01T00:00:00.000Z',
  });
});
afterEach(() => fake.close());

describe('FakeGenesys', () => {
  it('grants tokens only for the right client credentials and grant type', async () => {
    const good = await grant();
    expect(good).toMatchObject({ status: 200, body: { token_type: 'bearer', expires_in: 3600 } });
    expect(await grant('wrong')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await grant('secret-1', 'password')).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(fake.tokensIssued()).toBe(1);
    expect(fake.requests[0]).toMatchObject({ status: 200, body: { grant_type: 'client_credentials' } });
  });

  it('answers 401 without a token and after expireTokens()', async () => {
    expect(await api(undefined, ORG)).toMatchObject({
      status: 401,
      body: { code: 'bad.credentials' },
    });
    const bearer = await token();
    expect(await api(bearer, ORG)).toMatchObject({
      status: 200,
      body: { id: 'org-fake-1' },
    });
    fake.expireTokens();
    expect((await api(bearer, ORG)).status).toBe(401);
  });

  it('runs a job QUEUED → PENDING → FULFILLED over a snapshot, paged by cursor', async () => {
    const bearer = await token();
    expect((await api(bearer, `${JOBS}/availability`)).body).toEqual({
      dataAvailabilityDate: '2024-04-01T00:00:00.000Z',
    });
    const late = await api(bearer, JOBS, { interval: '2024-03-01T00:00:00Z/2024-05-01T00:00:00Z' });
    expect(late.status).toBe(400);
    const created = await api(bearer, JOBS, { interval: '2024-03-01T00:00:00Z/2024-03-10T00:00:00Z' });
    expect(created.status).toBe(202);
    const job = `${JOBS}/${created.body.jobId}`;
    fake.upsertConversation(conversation(7));
    expect((await api(bearer, `${job}/results`)).status).toBe(400);
    const states = [];
    for (let i = 0; i < 3; i++) states.push((await api(bearer, job)).body.state);
    expect(states).toEqual(['QUEUED', 'PENDING', 'FULFILLED']);

    const pages: Json[] = [];
    let cursor: unknown = '';
    do {
      const page = await api(bearer, `${job}/results?pageSize=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.body);
      cursor = page.body.cursor;
    } while (cursor);
    expect(pages.map(ids)).toEqual([['c1', 'c2'], ['c3', 'c4'], ['c5']]);
    expect(pages[2]).not.toHaveProperty('cursor');
    expect((await api(bearer, `${job}/results?cursor=bogus`)).status).toBe(400);

    fake.expireJobs();
    expect((await api(bearer, job)).body.state).toBe('EXPIRED');
    expect((await api(bearer, `${job}/results`)).status).toBe(404);
  });

  it('pages the live details query and omits conversations on an empty page', async () => {
    const bearer = await token();
    const query = (
      pageNumber: number,
      pageSize = 2,
      interval = '2024-03-01T00:00:00Z/2024-03-31T00:00:00Z',
    ) =>
      api(bearer, '/api/v2/analytics/conversations/details/query', {
        interval,
        order: 'asc',
        orderBy: 'conversationStart',
        paging: { pageSize, pageNumber },
      });
    expect((await query(3)).body).toMatchObject({
      totalHits: 6,
      conversations: [{ conversationId: 'c5' }, { conversationId: 'c6' }],
    });
    expect((await query(4)).body).toEqual({ totalHits: 6 });
    expect((await query(1, 101)).status).toBe(400);
    expect((await query(1, 2, '2024-01-01T00:00:00Z/2024-03-01T00:00:00Z')).status).toBe(400);
  });

  it('pages directory lists', async () => {
    const res = await api(await token(), '/api/v2/users?pageSize=2&pageNumber=2');
    expect(res.body).toEqual({
      entities: [{ id: 'u3', name: 'User 3' }],
      pageSize: 2,
      pageNumber: 2,
      total: 3,
      pageCount: 2,
    });
    expect((await api(await token(), '/api/v2/routing/queues')).body).toMatchObject({ total: 0 });
  });

  it('applies injected faults in order before authentication', async () => {
    fake.inject({ path: ORG }, { status: 429, retryAfter: 2 }, { reset: true }, { delayMs: 50 });
    const limited = await api(undefined, ORG);
    expect(limited).toMatchObject({ status: 429, body: { code: 'too.many.requests', status: 429 } });
    expect(limited.headers.get('retry-after')).toBe('2');
    const bearer = await token();
    await expect(api(bearer, ORG)).rejects.toThrow();
    const started = Date.now();
    expect((await api(bearer, ORG)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200, 0, 200]);
  });
});
