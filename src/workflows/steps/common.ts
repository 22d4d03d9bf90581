import type { Variables } from '../variables.ts';

/** What a step gets: the run's variables, where secrets are read, and a signal that stops it. */
export interface StepContext {
  variables: Variables;
  /** Environment variables: the secrets and connection URLs steps name. */
  env: NodeJS.ProcessEnv;
  /** Aborted when the server stops: the attempt fails and is retried later. */
  signal: AbortSignal;
  fetch: typeof fetch;
}

/** One step's outcome (a step never throws: every failure is a result). */
export interface StepResult {
  ok: boolean;
  /** The HTTP status the step got, when it got one. */
  responseCode: number | null;
  error: string | null;
  /** A short description of what happened, or the start of the response body. */
  detail: string | null;
}

export const failure = (error: string, responseCode: number | null = null, detail: string | null = null) =>
  ({ ok: false, responseCode, error, detail }) satisfies StepResult;

/** The longest response excerpt kept in results and error messages. */
export const EXCERPT_LENGTH = 500;

/** A signal aborted by `signal` or after `timeoutMs`; `timedOut()` tells which. */
export function deadline(
  signal: AbortSignal,
  timeoutMs: number,
): { signal: AbortSignal; timedOut: () => boolean } {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: AbortSignal.any([signal, timeout]), timedOut: () => timeout.aborted && !signal.aborted };
}

/** The message of a failed fetch or query: a timeout, a stop, or the cause's own text. */
export function errorText(error: unknown, timedOut: boolean, timeoutMs: number, signal: AbortSignal): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  if (signal.aborted) return 'stopped (the server is closing); retried later';
  const e = error as Error & { cause?: { message?: string; code?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause && !e.message.includes(cause) ? `${e.message} (${cause})` : e.message || String(error);
}

/** The start of a response body (read up to 64 KB, so that a huge body does not stall the worker). */
export async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < 65_536) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const trimmed = text.trim();
  return trimmed.length > EXCERPT_LENGTH ? `${trimmed.slice(0, EXCERPT_LENGTH - 1)}…` : trimmed;
}
