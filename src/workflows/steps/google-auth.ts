import { sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deadline, errorText, readExcerpt } from './common.ts';

/**
 * Google service-account OAuth (the "JWT bearer" flow, RFC 7523) with nothing but node:crypto: an RS256
 * JWT assertion signed with the account's private key (iss = client_email, scope, aud = token URI, one
 * hour) is exchanged at the token URI of the service-account JSON for an access token, kept until a minute
 * before it expires.
 */

export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri: string;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The signed assertion (exported for tests). */
export function jwtAssertion(account: ServiceAccount, scope: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    ...(account.private_key_id ? { kid: account.private_key_id } : {}),
  };
  const claims = { iss: account.client_email, scope, aud: account.token_uri, iat, exp: iat + 3600 };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('RSA-SHA256', Buffer.from(unsigned), account.private_key);
  return `${unsigned}.${base64url(signature)}`;
}

export interface GoogleAuthOptions {
  /** The service-account JSON key file (config workflows.googleServiceAccountFile). */
  file: string | undefined;
  /** Replaces the file's token_uri (config workflows.googleTokenUri; tests). */
  tokenUri?: string | undefined;
  fetch: typeof fetch;
  now: () => number;
}

export class GoogleAuth {
  #token: { value: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(private readonly options: GoogleAuthOptions) {}

  /** An access token (cached); throws with a readable message. */
  async token(signal: AbortSignal, timeoutMs: number): Promise<string> {
    if (this.#token && this.#token.expiresAt > this.options.now() + 60_000) return this.#token.value;
    this.#pending ??= this.#fetchToken(signal, timeoutMs).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets the token (after a 401). */
  invalidate(): void {
    this.#token = undefined;
  }

  async #account(): Promise<ServiceAccount> {
    const file = this.options.file;
    if (!file) {
      throw new Error(
        'workflows.googleServiceAccountFile is not configured (the service-account JSON key file)',
      );
    }
    let parsed: Partial<ServiceAccount>;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ServiceAccount>;
    } catch (error) {
      throw new Error(`cannot read the Google service-account file ${file}: ${(error as Error).message}`);
    }
    const tokenUri = this.options.tokenUri ?? parsed.token_uri ?? 'https://oauth2.googleapis.com/token';
    if (typeof parsed.client_email !== 'string' || typeof parsed.private_key !== 'string') {
      throw new Error(`${file} is not a service-account key (client_email and private_key missing)`);
    }
    return {
      ...parsed,
      client_email: parsed.client_email,
      private_key: parsed.private_key,
      token_uri: tokenUri,
    };
  }

  async #fetchToken(signal: AbortSignal, timeoutMs: number): Promise<string> {
    const account = await this.#account();
    const now = this.options.now();
    const assertion = jwtAssertion(account, SHEETS_SCOPE, now);
    const limit = deadline(signal, timeoutMs);
    let response: Response;
    try {
      response = await this.options.fetch(account.token_uri, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        signal: limit.signal,
      });
    } catch (error) {
      throw new Error(`Google token request: ${errorText(error, limit.timedOut(), timeoutMs, signal)}`);
    }
    if (!response.ok) {
      const excerpt = await readExcerpt(response).catch(() => '');
      throw new Error(`Google token request: HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`);
    }
    const text = await response.text();
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error('Google token request: the answer is not JSON');
    }
    if (typeof body.access_token !== 'string') throw new Error('Google token request: no access_token');
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.#token = { value: body.access_token, expiresAt: now + seconds * 1000 };
    return body.access_token;
  }
}
