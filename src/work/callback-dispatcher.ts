import type { Kysely } from 'kysely';
import { VERSION } from '../server/version.ts';
import {
  claimDue,
  markDelivered,
  markFailed,
  type OperationalSchema,
  type OutboxMessage,
} from '../store/index.ts';
import { backoffMs, type RetryPolicy } from '../workflows/dispatcher.ts';
import { deadline, errorText, readExcerpt } from '../workflows/steps/common.ts';
import { EVENT_ID_HEADER, signatureOf } from '../workflows/steps/http.ts';
import type { WorkActor } from './actor.ts';
import { type CallbackMessage, isCallbackPayload, replayCallback } from './callback-log.ts';
import { CALLBACK_TOPIC } from './callbacks.ts';

/**
 * Delivers the calls back to source systems: claims one due 'work.callback' outbox message at a time
 * (leased), POSTs it as JSON to its work type's callback URL — `{eventId, action, event, at, item}`, the
 * item as it was after the change (its final attributes on completion) — and logs the attempt in
 * work_callback_deliveries in the transaction that marks the message delivered (2xx), failed with the next
 * attempt after an exponential backoff with jitter, or dead after `retry.maxAttempts` (replayed by hand).
 *
 * At least once: a receiver may get a callback twice (a 2xx lost to the timeout, a crash before the log
 * commits, a replay); `X-Caseflow-Event-Id` (`itemId:seq`, unchanged across retries and replays) lets it
 * drop duplicates. `X-Caseflow-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body with the secret
 * in the environment variable the work type names (the workflows' signature). The URL and secret are read
 * at each attempt: fixing the work type and replaying a dead callback works.
 */

type Db = Kysely<OperationalSchema>;

export const EVENT_HEADER = 'X-Caseflow-Event';
export const SIGNATURE_HEADER = 'X-Caseflow-Signature';

export interface CallbackSettings {
  /** Per-request timeout. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** The longest wait between two looks at the outbox (a message enqueued by another process). */
  pollIntervalSeconds: number;
}

export interface CallbackLog {
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface CallbackDispatcherOptions {
  db: Db;
  settings: CallbackSettings;
  /** Where the HMAC secrets are read (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  fetch?: typeof fetch;
  now?: () => Date;
  /** In [0, 1): the backoff's jitter. */
  random?: () => number;
  log?: CallbackLog;
}

export interface CallbackResult {
  messageId: number;
  eventId: string;
  status: 'delivered' | 'retry' | 'dead';
  attempt: number;
  responseCode: number | null;
  error: string | null;
}

interface Attempt {
  ok: boolean;
  responseCode: number | null;
  error: string | null;
}

const quiet: CallbackLog = { info: () => {}, warn: () => {}, error: () => {} };
const MAX_ERROR = 2000;
const cut = (text: string): string => (text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text);

export class CallbackDispatcher {
  readonly #options: CallbackDispatcherOptions;
  readonly #abort = new AbortController();
  readonly #log: CallbackLog;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #started = false;

  constructor(options: CallbackDispatcherOptions) {
    this.#options = options;
    this.#log = options.log ?? quiet;
  }

  get db(): Db {
    return this.#options.db;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** A claim outlives the request: the timeout, plus a margin for the log's transaction. */
  get #leaseMs(): number {
    return this.#options.settings.timeoutMs + 60_000;
  }

  /** Starts delivering: now, whenever `wake()` is called, at the next due time, and every poll interval. */
  start(): void {
    if (this.#started || this.#abort.signal.aborted) return;
    this.#started = true;
    this.wake();
  }

  /** Stops the timer and aborts the request in progress (its attempt is retried later). */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }

  /** Something may have been enqueued: deliver soon (once started). */
  wake(): void {
    if (!this.#started || this.#abort.signal.aborted) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.deliverDue();
      } while (this.#again && !this.#abort.signal.aborted);
      const next = await nextCallbackDueAt(this.#options.db);
      const poll = this.#options.settings.pollIntervalSeconds * 1000;
      const wait = next === null ? poll : Date.parse(next) - this.#now().getTime();
      this.#plan(Math.min(poll, Math.max(0, wait)));
    })()
      .catch((error: unknown) => {
        this.#log.error(`work callbacks: delivery failed: ${(error as Error).message}`);
        this.#plan(this.#options.settings.pollIntervalSeconds * 1000);
      })
      .finally(() => {
        this.#running = null;
      });
  }

  #plan(delayMs: number): void {
    if (this.#abort.signal.aborted) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.wake();
    }, delayMs);
    this.#timer.unref();
  }

  /** Delivers every due callback, one after the other; returns what happened to each (tests drive this). */
  async deliverDue(limit = Number.POSITIVE_INFINITY): Promise<CallbackResult[]> {
    const results: CallbackResult[] = [];
    while (results.length < limit && !this.#abort.signal.aborted) {
      const result = await this.deliverOne();
      if (!result) break;
      results.push(result);
      if (result.status === 'dead') {
        this.#log.warn(
          `work callbacks: ${result.eventId} dead after attempt ${result.attempt}: ${result.error}`,
        );
      } else if (result.status === 'retry') {
        this.#log.warn(`work callbacks: ${result.eventId} failed, retried later: ${result.error}`);
      }
    }
    return results;
  }

  /** Claims and delivers one due callback; null when none is due. */
  async deliverOne(): Promise<CallbackResult | null> {
    const { db, settings } = this.#options;
    const [message] = await claimDue(db, CALLBACK_TOPIC, 1, this.#now(), { leaseMs: this.#leaseMs });
    if (!message) return null;
    const startedAt = this.#now();
    const started = performance.now();
    const { attempt: outcome, final } = await this.#post(message);
    const durationMs = Math.max(0, Math.round(performance.now() - started));
    const finishedAt = this.#now();
    const dead = !outcome.ok && (final || message.attempts >= settings.retry.maxAttempts);
    const error = outcome.error === null ? null : cut(outcome.error);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('work_callback_deliveries')
        .values({
          message_id: message.id,
          attempt: message.attempts,
          started_at: startedAt.toISOString(),
          duration_ms: durationMs,
          status: outcome.ok ? 'ok' : 'error',
          response_code: outcome.responseCode,
          error,
        })
        .execute();
      if (outcome.ok) await markDelivered(trx, message.id, finishedAt);
      else {
        const next = dead
          ? null
          : new Date(
              finishedAt.getTime() +
                backoffMs(message.attempts, settings.retry, this.#options.random ?? Math.random),
            );
        await markFailed(trx, message.id, error ?? 'failed', next);
      }
    });
    return {
      messageId: message.id,
      eventId: message.key,
      status: outcome.ok ? 'delivered' : dead ? 'dead' : 'retry',
      attempt: message.attempts,
      responseCode: outcome.responseCode,
      error,
    };
  }

  /** One POST; `final` when retrying cannot help (the message is not a callback's). */
  async #post(message: OutboxMessage): Promise<{ attempt: Attempt; final: boolean }> {
    const fail = (error: string, responseCode: number | null = null, final = false) => ({
      attempt: { ok: false, responseCode, error },
      final,
    });
    const payload = message.payload;
    if (!isCallbackPayload(payload)) return fail('the message is not a work-item callback', null, true);
    const type = await this.#options.db
      .selectFrom('work_types')
      .select(['callback_url', 'callback_secret_env'])
      .where('id', '=', payload.item.typeId)
      .executeTakeFirst();
    if (!type?.callback_url) {
      return fail(`the work type ${payload.item.typeId} has no callback URL (any more)`);
    }
    const body = JSON.stringify({
      eventId: message.key,
      action: payload.action,
      event: payload.event,
      at: payload.at,
      item: payload.item,
    });
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `Caseflow/${VERSION}`,
      [EVENT_ID_HEADER]: message.key,
      [EVENT_HEADER]: payload.action,
    };
    if (type.callback_secret_env) {
      const secret = (this.#options.env ?? process.env)[type.callback_secret_env];
      if (!secret) {
        return fail(
          `the signature secret's environment variable ${type.callback_secret_env} (work type ${payload.item.typeId}) is not set`,
        );
      }
      headers[SIGNATURE_HEADER] = signatureOf(body, secret);
    }
    const timeoutMs = this.#options.settings.timeoutMs;
    const limit = deadline(this.#abort.signal, timeoutMs);
    const fetcher = this.#options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    let response: Response;
    try {
      response = await fetcher(type.callback_url, {
        method: 'POST',
        headers,
        body,
        signal: limit.signal,
        redirect: 'manual',
      });
    } catch (error) {
      return fail(errorText(error, limit.timedOut(), timeoutMs, this.#abort.signal));
    }
    let excerpt = '';
    try {
      excerpt = await readExcerpt(response);
    } catch (error) {
      if (limit.timedOut() || this.#abort.signal.aborted) {
        return fail(errorText(error, limit.timedOut(), timeoutMs, this.#abort.signal), response.status);
      }
    }
    if (response.status >= 200 && response.status < 300) {
      return { attempt: { ok: true, responseCode: response.status, error: null }, final: false };
    }
    return fail(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`, response.status);
  }

  /** Manual replay of a dead or delivered callback (callback-log.ts); delivered at once when started. */
  async replay(id: number, actor: WorkActor): Promise<CallbackMessage> {
    const message = await replayCallback(this.#options.db, id, actor, this.#now());
    this.wake();
    return message;
  }
}

/** When the next callback is due, or null when none is pending. */
export async function nextCallbackDueAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('topic', '=', CALLBACK_TOPIC)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return (row?.next as string | null | undefined) ?? null;
}
