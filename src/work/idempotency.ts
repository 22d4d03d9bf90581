import { createHash } from 'node:crypto';

/**
 * Idempotent creation: a source system that retries a creation with the same Idempotency-Key gets the
 * item created the first time; the same key with another request is a conflict. Requests are compared by
 * the SHA-256 of their canonical JSON (keys sorted, undefined dropped), so key order does not matter.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

export function requestHash(request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}
