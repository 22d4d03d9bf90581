import type { z } from 'zod';

/** One retried request, for logs and progress: never carries credentials. */
export interface RetryNotice {
  method: string;
  path: string;
  /** The attempt that failed (1-based) and the bound. */
  attempt: number;
  maxAttempts: number;
  /** HTTP status, or the network error's text. */
  reason: string;
  delayMs: number;
}

export interface ClientOptions {
  apiUrl: string;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  requestTimeoutMs: number;
  onRetry?: (notice: RetryNotice) => void;
  /** Aborts requests in flight and retry waits (a server shutting down). */
  signal?: AbortSignal;
  /** Injected in tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** A request the API refused, or that kept failing after every attempt. */
export class GenesysApiError extends Error {
  override name = 'GenesysApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    /** 0 when no HTTP answer came (network error, timeout). */
    readonly status: number,
    readonly attempts: number,
    detail: string,
  ) {
    super(`${method} ${path} failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${detail}`);
  }
}

/** A Retry-After longer than this is waited for this long only (then the request is tried again). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** A token is renewed this long before it expires, so that it does not expire in flight. */
const TOKEN_MARGIN_MS = 60_000;

type Query = Record<string, string | number | undefined>;

/**
 * A small typed client for the Genesys Cloud Platform API: OAuth client-credentials token cached until it
 * expires (a 401 renews it once), 429 honoured with Retry-After, 5xx/network errors/timeouts retried with
 * exponential backoff and full jitter, a bounded number of attempts, then a GenesysApiError.
 */
export class GenesysClient {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  /** Retries made so far (all requests). */
  retries = 0;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async get<T>(path: string, schema: z.ZodType<T>, query: Query = {}): Promise<T> {
    return this.call('GET', path, schema, { query });
  }

  async post<T>(path: string, schema: z.ZodType<T>, body: unknown): Promise<T> {
    return this.call('POST', path, schema, { body });
  }

  private async call<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    { query = {}, body }: { query?: Query; body?: unknown },
  ): Promise<T> {
    const url = new URL(`${this.options.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const shown = url.pathname;
    let renewed = false;
    let text = '';
    const response = await this.send(method, shown, async () => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await this.accessToken()}`,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await this.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.requestSignal(),
      });
      if (res.status === 401 && !renewed) {
        // An expired or revoked token: get a new one and try again, once.
        renewed = true;
        this.token = undefined;
        await res.body?.cancel();
        return 'again';
      }
      // Read within the attempt: a connection dropped or timed out mid-body is retried like any other.
      if (res.ok) text = await res.text();
      return res;
    });
    let value: unknown;
    try {
      value = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new GenesysApiError(method, shown, response.status, 1, 'the answer is not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GenesysApiError(
        method,
        shown,
        response.status,
        1,
        `unexpected answer: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      );
    }
    return parsed.data;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now()) return this.token.value;
    const path = '/oauth/token';
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    let text = '';
    const res = await this.send('POST', path, async () => {
      const r = await this.fetch(new URL(`${this.options.loginUrl}${path}`), {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        signal: this.requestSignal(),
      });
      if (r.ok) text = await r.text();
      return r;
    });
    let body: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      body = JSON.parse(text) ?? {};
    } catch {
      // not JSON: reported below as an answer without access_token
    }
    if (typeof body.access_token !== 'string') {
      throw new GenesysApiError('POST', path, res.status, 1, 'the token answer has no access_token');
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    this.token = { value: body.access_token, expiresAt: this.now() + ttl };
    return this.token.value;
  }

  /**
   * Sends a request until it gets an answer that is not a 429/5xx, within the attempt bound. `attempt`
   * may return 'again' to be called once more without it counting (the token renewal).
   */
  private async send(
    method: string,
    path: string,
    attempt: () => Promise<Response | 'again'>,
  ): Promise<Response> {
    const { maxAttempts } = this.options.retry;
    for (let n = 1; ; n++) {
      let reason: string;
      let delay: number | undefined;
      try {
        const res = await attempt();
        if (res === 'again') {
          n--;
          continue;
        }
        if (res.ok) return res;
        const detail = this.redact(await errorDetail(res));
        if (res.status !== 429 && res.status < 500) {
          throw new GenesysApiError(method, path, res.status, n, detail + hint(path, res.status));
        }
        reason = detail;
        if (res.status === 429) delay = retryAfterMs(res.headers.get('retry-after'), this.now());
        if (n >= maxAttempts) throw new GenesysApiError(method, path, res.status, n, detail);
      } catch (error) {
        if (error instanceof GenesysApiError) throw error;
        if (this.options.signal?.aborted) throw this.options.signal.reason ?? error;
        reason = this.redact(networkReason(error));
        if (n >= maxAttempts) throw new GenesysApiError(method, path, 0, n, reason);
      }
      const wait = Math.min(delay ?? this.backoff(n), MAX_RETRY_AFTER_MS);
      this.retries++;
      this.options.onRetry?.({ method, path, attempt: n, maxAttempts, reason, delayMs: wait });
      await this.sleep(wait);
    }
  }

  /** The per-request timeout, joined with the caller's abort signal. */
  private requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    return this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
  }

  /**
   * An error body is quoted in messages that reach logs, the store and the API: a proxy that echoes the
   * request must not carry the credentials there.
   */
  private redact(text: string): string {
    const { clientId, clientSecret } = this.options;
    const secrets = [
      clientSecret,
      Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
      this.token?.value,
    ].filter((x): x is string => typeof x === 'string' && x.length > 0);
    return secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);
  }

  /** Exponential backoff with full jitter: a random wait up to base × 2^(attempt−1), capped. */
  private backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    return Math.round(this.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
  }
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function errorDetail(res: Response): Promise<string> {
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const text = await res.text().catch(() => '');
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const m = body.message ?? body.error_description ?? body.error;
    if (typeof m === 'string') message = m;
  } catch {
    message = text.trim().slice(0, 200) || undefined;
  }
  return message ? `${status}: ${message}` : status;
}

function hint(path: string, status: number): string {
  if (path === '/oauth/token' && (status === 400 || status === 401)) {
    return ' (check CASEFLOW_GENESYS_CLIENT_ID and CASEFLOW_GENESYS_CLIENT_SECRET: a client-credentials OAuth client of this region)';
  }
  if (status === 401) return ' (the OAuth client was refused twice)';
  if (status === 403) return ' (the OAuth client’s role lacks a permission this request needs)';
  return '';
}

function networkReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer before the request timeout';
  const cause = e.cause?.code ?? e.cause?.message;
  return `network error: ${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}
