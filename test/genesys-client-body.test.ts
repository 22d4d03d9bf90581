/**
 * GenesysClient against a real HTTP server whose answers break after the headers: a connection dropped
 * mid-body and a body that stalls past the request timeout are retried like any network error.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GenesysApiError, GenesysClient, type RetryNotice } from '../src/sources/genesys/client.ts';

type Answer = (res: ServerResponse) => void;

const full =
  (body: unknown): Answer =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
/** Headers and the start of the body, then the connection is dropped. */
const dropped: Answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"conversations":[');
  setTimeout(() => res.destroy(), 20);
};
/** Headers and the start of the body, then nothing. */
const stalled: Answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"conversations":[');
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(token: Answer[], api: Answer[]): Promise<string> {
  const server = createServer((req, res) => {
    const next = (req.url?.startsWith('/oauth/') ? token : api).shift();
    if (next) next(res);
    else res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"no answer left"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const client = (url: string, notices: RetryNotice[], maxAttempts = 4) =>
  new GenesysClient({
    apiUrl: url,
    loginUrl: url,
    clientId: 'id',
    clientSecret: 'secret',
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 5 },
    requestTimeoutMs: 200,
    onRetry: (n) => notices.push(n),
  });

const page = z.looseObject({ conversations: z.array(z.unknown()) });
const token = full({ access_token: 'tok', expires_in: 3600 });

describe('GenesysClient: answers broken after the headers', () => {
  it('retries a body cut off or stalled mid-way, then returns the full answer', async () => {
    const url = await serve([dropped, token], [dropped, stalled, full({ conversations: [1, 2] })]);
    const notices: RetryNotice[] = [];
    const c = client(url, notices);
    expect(await c.get('/api/v2/x', page)).toEqual({ conversations: [1, 2] });
    expect(notices.map((n) => [n.path, n.reason])).toEqual([
      ['/oauth/token', expect.stringMatching(/^network error/)],
      ['/api/v2/x', expect.stringMatching(/^network error/)],
      ['/api/v2/x', 'no answer before the request timeout'],
    ]);
    expect(c.retries).toBe(3);
  });

  it('names the request when every attempt is cut off', async () => {
    const url = await serve([token], [dropped, dropped]);
    const c = client(url, [], 2);
    const error = await c.get('/api/v2/x', page).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenesysApiError);
    expect((error as Error).message).toMatch(/^GET \/api\/v2\/x failed after 2 attempts: network error/);
  });
});
