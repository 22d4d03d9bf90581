import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session ids and token secrets are random; only their SHA-256 is stored. */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** An API token: `cf_<id>_<secret>`; the id finds the row, the secret's hash is compared. */
export function newToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `cf_${id}_${secret}` };
}

export function parseToken(token: string): { id: string; secret: string } | null {
  const m = /^cf_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return m?.[1] && m[2] ? { id: m[1], secret: m[2] } : null;
}
