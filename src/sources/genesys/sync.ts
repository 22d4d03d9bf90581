import {
  type CaseflowConfig,
  ConfigError,
  derivationFingerprint,
  type GenesysSourceConfig,
} from '../../config/index.ts';
import type { GenesysMessageRow, GenesysMessages, Store } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { DIRECTORY_LISTS, type DirectoryList, GenesysApi, intervalText } from './api.ts';
import { GenesysApiError, GenesysClient, type RetryNotice } from './client.ts';
import { ConversationImporter, emptyCounts, type ImportCounts } from './importer.ts';
import { emailMessageRows, emailPartiesOf, genesysMessageRows } from './messages.ts';
import { regionUrls } from './regions.ts';
import type { LastRun, SyncProgress, SyncTrigger } from './status.ts';

export const CLIENT_ID_VARIABLE = 'CASEFLOW_GENESYS_CLIENT_ID';
export const CLIENT_SECRET_VARIABLE = 'CASEFLOW_GENESYS_CLIENT_SECRET';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A details job is created at most this many more times for one interval before the run fails. */
const MAX_JOB_RETRIES = 3;

/** Media types whose messages the Conversations API gives (GET /api/v2/conversations/messages/{id}). */
const MESSAGE_MEDIA = new Set(['message']);
/** Media types whose messages are read from GET /api/v2/conversations/emails/{id}/messages. */
const EMAIL_MEDIA = new Set(['email']);

/** What the messages phase of a run did (summed over its pages). */
export interface MessageCounts {
  /** Messaging conversations (added or updated by the run) whose messages were read. */
  conversations: number;
  /** Messages stored for them. */
  messages: number;
  /** Conversations Genesys no longer has (404, data retention): their stored messages are kept. */
  notFound: number;
  /** Messages or participants that could not be read (no id, no valid time). */
  skipped: number;
}

const emptyMessageCounts = (): MessageCounts => ({ conversations: 0, messages: 0, notFound: 0, skipped: 0 });

/** What the e-mail part of the messages phase did: as MessageCounts, and the conversations refused (403). */
export interface EmailCounts extends MessageCounts {
  /** E-mail conversations whose messages Genesys refused (403): counted, their stored messages kept. */
  forbidden: number;
}

const emptyEmailCounts = (): EmailCounts => ({ ...emptyMessageCounts(), forbidden: 0 });

/** Meta keys: the run in progress (its checkpoint), the last run's outcome, the watermark per organization. */
export const RUN_KEY = 'genesys:run';
export const LAST_RUN_KEY = 'genesys:last-run';
export const watermarkKey = (orgId: string): string => `genesys:watermark:${orgId}`;

/** One interval of conversation starts, read by a details job (historical) or the details query (recent). */
export interface SyncInterval {
  start: number;
  end: number;
  method: 'job' | 'query';
}

/** The persisted state of a run: committed with each page, so a killed run continues from there. */
interface SyncRun {
  orgId: string;
  orgName: string;
  trigger: SyncTrigger;
  startedAt: number;
  from: number;
  to: number;
  /** --from/--to given: the watermark only moves when the range joins the covered one. */
  explicit: boolean;
  intervals: SyncInterval[];
  /** The interval being read; intervals.length when all are read. */
  index: number;
  jobId?: string;
  /** Jobs created again for the current interval (expired, forgotten or failed on Genesys's side). */
  jobRetries?: number;
  cursor?: string;
  page?: number;
  /** Settings a resumed run must keep: a page number means nothing with another page size. */
  queryPageSize: number;
  jobPageSize: number;
  sourceSystem: string;
  directory?: Record<DirectoryList, number>;
  pages: number;
  counts: ImportCounts;
  /** Absent in a run stored by an earlier version. */
  messages?: MessageCounts;
  emails?: EmailCounts;
  rejected: number;
}

export interface SyncSummary extends Omit<ImportCounts, 'surveys'> {
  organization: { id: string; name: string };
  from: string;
  to: string;
  /** The run continued one that had been interrupted. */
  resumed: boolean;
  dryRun: boolean;
  intervals: { jobs: number; queries: number };
  pages: number;
  directory: Record<DirectoryList, number>;
  /** The messages of the messaging conversations read (sources.genesys.messages; all zero when off). */
  messages: MessageCounts;
  /** The messages of the e-mail conversations read (sources.genesys.messages; all zero when off). */
  emails: EmailCounts;
  surveys: number;
  rejected: number;
  firstRejections: Rejection[];
  quarantineFile: string | null;
  events: number;
  cases: number;
  /** Conversations started before this have been read (null on a dry run or a detached --from/--to range). */
  watermark: string | null;
  retries: number;
}

export interface SyncOptions {
  from?: Date;
  to?: Date;
  dryRun?: boolean;
  /** Drop an interrupted run instead of continuing it. */
  restart?: boolean;
  trigger?: SyncTrigger;
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: SyncProgress) => void;
  onRetry?: (notice: RetryNotice) => void;
  /** Checked between pages: a server shutting down stops the run at a checkpoint. */
  signal?: AbortSignal;
  /** Injected in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The connector's settings, or a ConfigError saying what is missing. */
export function genesysSettings(
  config: CaseflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { source: GenesysSourceConfig; apiUrl: string; loginUrl: string; clientId: string; clientSecret: string } {
  const source = config.sources.genesys;
  if (!source) {
    throw new ConfigError(
      'the Genesys Cloud connector is not configured: add "sources": {"genesys": {"region": "…"}} to caseflow.config.json',
    );
  }
  const clientId = env[CLIENT_ID_VARIABLE];
  const clientSecret = env[CLIENT_SECRET_VARIABLE];
  const missing = [clientId ? null : CLIENT_ID_VARIABLE, clientSecret ? null : CLIENT_SECRET_VARIABLE].filter(
    (v) => v !== null,
  );
  if (!clientId || !clientSecret) {
    throw new ConfigError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: the OAuth client (client-credentials grant) comes from the environment`,
    );
  }
  return { source, ...regionUrls(source.region, source.baseUrl), clientId, clientSecret };
}

/**
 * Splits [from, to) into the intervals a run reads: up to the date details jobs hold data for, by jobs of
 * at most jobIntervalDays (only when that part is longer than one query interval: a short look-back is
 * quicker through the query); the rest by details queries of at most queryIntervalHours.
 */
export function planIntervals(
  from: number,
  to: number,
  jobsAvailableUntil: number,
  source: Pick<GenesysSourceConfig, 'jobIntervalDays' | 'queryIntervalHours'>,
): SyncInterval[] {
  const out: SyncInterval[] = [];
  const queryLength = source.queryIntervalHours * HOUR;
  const jobsEnd = Math.min(to, jobsAvailableUntil);
  let t = from;
  if (jobsEnd - from > queryLength) {
    for (; t < jobsEnd; t = Math.min(t + source.jobIntervalDays * DAY, jobsEnd)) {
      out.push({ start: t, end: Math.min(t + source.jobIntervalDays * DAY, jobsEnd), method: 'job' });
    }
  }
  for (; t < to; t = Math.min(t + queryLength, to)) {
    out.push({ start: t, end: Math.min(t + queryLength, to), method: 'query' });
  }
  return out;
}

/**
 * Pulls conversation details from a Genesys Cloud organization into the store: directory lists, then every
 * interval since the watermark minus the look-back (or --from/--to), page by page, each page committed
 * with the run's checkpoint. A run that was interrupted (killed, failed) is continued by the next call.
 */
export async function syncGenesys(
  store: Store,
  config: CaseflowConfig,
  options: SyncOptions = {},
): Promise<SyncSummary> {
  const settings = genesysSettings(config, options.env);
  const { source } = settings;
  const now = options.now ?? Date.now;
  const sleep = abortable(
    options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    options.signal,
  );
  const dryRun = options.dryRun ?? false;
  const client = new GenesysClient({
    ...settings,
    retry: source.retry,
    requestTimeoutMs: source.requestTimeoutSeconds * 1000,
    onRetry: options.onRetry,
    signal: options.signal,
    sleep,
    now,
  });
  const api = new GenesysApi(client);

  let org: { id: string; name: string };
  let run: SyncRun;
  let resumed: boolean;
  try {
    org = await api.organization();
    ({ run, resumed } = await startOrResume(store, api, org, config, options, now));
  } catch (error) {
    // A refused token or an unreachable API must show on the Sources page too, not only in a log.
    if (!dryRun && !(error instanceof ConfigError)) {
      await recordEarlyFailure(store, options.trigger ?? 'cli', error, now);
    }
    throw error;
  }

  const synced = { ...config, sourceSystem: run.sourceSystem };
  const quarantine = new Quarantine(store.dataDir, 'genesys-api', new Date(run.startedAt), {
    persist: !dryRun,
  });
  const importer = await ConversationImporter.open(store, synced, quarantine, run.startedAt, {
    dryRun,
    counts: run.counts,
    env: options.env,
  });
  const rejectedBefore = run.rejected;
  const progress = (phase: SyncProgress['phase']) =>
    options.onProgress?.({
      phase,
      intervalsDone: run.index,
      intervalsTotal: run.intervals.length,
      pages: run.pages,
      conversations: importer.counts.conversations,
    });
  /** The messages read for the page being taken, committed with it. */
  let pageMessages: { messages: GenesysMessages; counts: MessageCounts; emails: EmailCounts } | undefined;
  /**
   * Reads the messages of the messaging conversations the page adds or updates (unchanged and older
   * versions are not read again), and those of its e-mail conversations. A conversation Genesys no longer
   * has (404), or whose e-mails it refuses (403), keeps what is stored.
   */
  const readMessages = async () => {
    const counts = emptyMessageCounts();
    const emails = emptyEmailCounts();
    const conversationIds: string[] = [];
    const rows: GenesysMessageRow[] = [];
    if (source.messages) {
      for (const c of importer.pendingConversations()) {
        if (c.facts.mediaType === null || !MESSAGE_MEDIA.has(c.facts.mediaType)) continue;
        stopIfAborted();
        const found = await api.messageConversation(c.facts.conversationId);
        if (found === null) {
          counts.notFound += 1;
          continue;
        }
        const read = genesysMessageRows(found, {
          conversationId: c.facts.conversationId,
          channel: c.facts.mediaType,
          contactId: c.facts.customerKey,
          sourceSystem: c.sourceSystem,
          pseudonymizer: importer.pseudonymizer,
        });
        conversationIds.push(c.facts.conversationId);
        rows.push(...read.rows);
        counts.conversations += 1;
        counts.messages += read.rows.length;
        counts.skipped += read.skipped;
      }
      for (const c of importer.pendingConversations()) {
        if (c.facts.mediaType === null || !EMAIL_MEDIA.has(c.facts.mediaType)) continue;
        stopIfAborted();
        const found = await api.emailMessages(c.facts.conversationId);
        if (found === 'not-found' || found === 'forbidden') {
          if (found === 'not-found') emails.notFound += 1;
          else emails.forbidden += 1;
          continue;
        }
        const read = emailMessageRows(found, {
          conversationId: c.facts.conversationId,
          channel: c.facts.mediaType,
          contactId: c.facts.customerKey,
          sourceSystem: c.sourceSystem,
          parties: emailPartiesOf(JSON.parse(c.record)),
          pseudonymizer: importer.pseudonymizer,
        });
        conversationIds.push(c.facts.conversationId);
        rows.push(...read.rows);
        emails.conversations += 1;
        emails.messages += read.rows.length;
        emails.skipped += read.skipped;
      }
    }
    pageMessages = { messages: { conversationIds, rows, lastDataUpdate: run.startedAt }, counts, emails };
  };
  /** Commits the pending conversations and their messages with the run's new position. */
  const checkpoint = async () => {
    run.counts = importer.counts;
    run.rejected = rejectedBefore + quarantine.count;
    const read = pageMessages;
    pageMessages = undefined;
    if (read) {
      run.messages = addCounts(run.messages ?? emptyMessageCounts(), read.counts);
      const e = run.emails ?? emptyEmailCounts();
      run.emails = { ...addCounts(e, read.emails), forbidden: e.forbidden + read.emails.forbidden };
    }
    await importer.flush({ [RUN_KEY]: JSON.stringify(run) }, read?.messages);
    progress('conversations');
  };
  const stopIfAborted = () => {
    if (options.signal?.aborted) throw new SyncStopped();
  };

  try {
    if (!dryRun) {
      await store.saveMeta({
        [RUN_KEY]: JSON.stringify(run),
        regroup_deferred: 'a Genesys sync was interrupted; run `caseflow sync genesys` to finish it',
        [LAST_RUN_KEY]: JSON.stringify(lastRunOf(run, 'running', null, null)),
      });
    }
    if (!run.directory) {
      progress('directory');
      const directory = {} as Record<DirectoryList, number>;
      for (const kind of Object.keys(DIRECTORY_LISTS) as DirectoryList[]) {
        stopIfAborted();
        const listed = await api.list(kind, source.directoryPageSize);
        // Users were asked with expand=groups: one without `groups` belongs to none (its membership is
        // replaced, like everyone's, on each run).
        const entities = kind === 'users' ? listed.map((u) => ({ ...u, groups: u.groups ?? [] })) : listed;
        if (!dryRun) await store.saveDirectory(kind, entities);
        directory[kind] = entities.length;
      }
      run.directory = directory;
      await checkpoint();
    }

    let fulfilledJob: string | undefined;
    while (run.index < run.intervals.length) {
      stopIfAborted();
      const interval = run.intervals[run.index] as SyncInterval;
      const where = (page: string) =>
        `genesys-api ${interval.method === 'job' ? 'details job' : 'details query'} ${intervalText(interval.start, interval.end)} ${page}`;
      const take = async (records: unknown[], page: string) => {
        records.forEach((value, index) => {
          importer.accept({ file: where(page), index, value });
        });
        await readMessages();
        run.pages += 1;
      };

      if (interval.method === 'query') {
        const pageNumber = run.page ?? 1;
        const page = await api.detailsQuery(interval.start, interval.end, pageNumber, run.queryPageSize);
        await take(page.conversations, `page ${pageNumber}`);
        const last =
          page.conversations.length < run.queryPageSize || pageNumber * run.queryPageSize >= page.totalHits;
        if (last) nextInterval(run);
        else run.page = pageNumber + 1;
        await checkpoint();
        continue;
      }

      if (run.jobId === undefined) {
        run.jobId = await api.createJob(interval.start, interval.end);
        run.cursor = undefined;
        await checkpoint();
      }
      const state =
        run.jobId === fulfilledJob ? 'ready' : await waitForJob(api, run.jobId, source, sleep, now);
      fulfilledJob = state === 'ready' ? run.jobId : undefined;
      if (state !== 'ready') {
        // Expired, forgotten (e.g. resumed a day later) or failed on Genesys's side: ask again, a few
        // times; pages already read come back unchanged.
        retryJob(run, state);
        continue;
      }
      const cursor = run.cursor;
      let page: Awaited<ReturnType<GenesysApi['jobResults']>>;
      try {
        page = await api.jobResults(run.jobId, cursor, run.jobPageSize);
      } catch (error) {
        if (!(error instanceof GenesysApiError && error.status === 404)) throw error;
        retryJob(run, 'was not found (404)');
        continue;
      }
      await take(page.conversations, `results ${cursor ? `after cursor ${cursor}` : 'page 1'}`);
      if (page.cursor) run.cursor = page.cursor;
      else nextInterval(run);
      await checkpoint();
    }

    progress('regroup');
    let totals = await store.counts();
    let watermark: string | null = null;
    if (!dryRun) {
      // Always: the directory was refreshed, and names (queues, agents) may have changed.
      totals = { ...totals, ...(await store.regroup(synced)) };
      if ((await store.getMeta('derivation')) === undefined) {
        await store.setMeta('derivation', derivationFingerprint(config));
      }
      const previous = await store.getMeta(watermarkKey(run.orgId));
      watermark = nextWatermark(run, previous ? Date.parse(previous) : undefined);
      await store.saveMeta({
        [RUN_KEY]: '',
        regroup_deferred: '',
        ...(watermark ? { [watermarkKey(run.orgId)]: watermark } : {}),
        [LAST_RUN_KEY]: JSON.stringify(lastRunOf(run, 'succeeded', new Date(now()), null)),
      });
    }
    const counts = importer.counts;
    return {
      ...counts,
      organization: { id: org.id, name: org.name },
      from: new Date(run.from).toISOString(),
      to: new Date(run.to).toISOString(),
      resumed,
      dryRun,
      intervals: {
        jobs: run.intervals.filter((i) => i.method === 'job').length,
        queries: run.intervals.filter((i) => i.method === 'query').length,
      },
      pages: run.pages,
      directory: run.directory ?? { users: 0, queues: 0, wrapUpCodes: 0, divisions: 0, groups: 0 },
      messages: run.messages ?? emptyMessageCounts(),
      emails: run.emails ?? emptyEmailCounts(),
      rejected: rejectedBefore + quarantine.count,
      firstRejections: quarantine.first,
      quarantineFile: quarantine.count && !dryRun ? quarantine.file : null,
      events: totals.events,
      cases: totals.cases,
      watermark,
      retries: client.retries,
    };
  } catch (error) {
    const failure =
      error instanceof SyncStopped || options.signal?.aborted
        ? new SyncStopped()
        : new SyncError(error, run, dryRun);
    if (!dryRun) {
      await store
        .setMeta(LAST_RUN_KEY, JSON.stringify(lastRunOf(run, 'failed', new Date(now()), failure.message)))
        .catch(() => {});
    }
    throw failure;
  }
}

/** The interrupted run of this organization, or a new plan. */
async function startOrResume(
  store: Store,
  api: GenesysApi,
  org: { id: string; name: string },
  config: CaseflowConfig,
  options: SyncOptions,
  now: () => number,
): Promise<{ run: SyncRun; resumed: boolean }> {
  const { source } = genesysSettings(config, options.env);
  const stored = await storedRun(store);
  const dryRun = options.dryRun ?? false;
  if (stored && !dryRun && !options.restart && stored.orgId === org.id) {
    if (
      (options.from && options.from.getTime() !== stored.from) ||
      (options.to && options.to.getTime() !== stored.to)
    ) {
      throw new ConfigError(
        `a sync of ${intervalText(stored.from, stored.to)} was interrupted; run \`caseflow sync genesys\` without --from/--to to finish it first, or add --restart to drop it`,
      );
    }
    return { run: { ...stored, trigger: options.trigger ?? 'cli' }, resumed: true };
  }
  const to = options.to?.getTime() ?? now();
  if (to > now()) throw new ConfigError(`--to ${new Date(to).toISOString()} is in the future`);
  const watermark = await store.getMeta(watermarkKey(org.id));
  const from =
    options.from?.getTime() ??
    (watermark ? Date.parse(watermark) - source.lookBackHours * HOUR : to - source.firstSyncDays * DAY);
  if (!(from < to))
    throw new ConfigError(`nothing to read: --from must be before --to (${intervalText(from, to)})`);
  return {
    resumed: false,
    run: {
      orgId: org.id,
      orgName: org.name,
      trigger: options.trigger ?? 'cli',
      startedAt: now(),
      from,
      to,
      explicit: options.from !== undefined || options.to !== undefined,
      intervals: planIntervals(from, to, await api.dataAvailability(), source),
      index: 0,
      pages: 0,
      counts: emptyCounts(),
      rejected: 0,
      queryPageSize: source.queryPageSize,
      jobPageSize: source.jobPageSize,
      sourceSystem: source.sourceSystem ?? config.sourceSystem,
    },
  };
}

async function recordEarlyFailure(
  store: Store,
  trigger: SyncTrigger,
  error: unknown,
  now: () => number,
): Promise<void> {
  const previous = await lastRun(store);
  const at = new Date(now()).toISOString();
  const failed: LastRun = {
    organization: previous?.organization ?? { id: '', name: '' },
    trigger,
    startedAt: at,
    finishedAt: at,
    status: 'failed',
    from: null,
    to: null,
    conversations: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: error instanceof Error ? error.message : String(error),
  };
  await store.setMeta(LAST_RUN_KEY, JSON.stringify(failed)).catch(() => {});
}

function addCounts(a: MessageCounts, b: MessageCounts): MessageCounts {
  return {
    conversations: a.conversations + b.conversations,
    messages: a.messages + b.messages,
    notFound: a.notFound + b.notFound,
    skipped: a.skipped + b.skipped,
  };
}

function nextInterval(run: SyncRun): void {
  run.index += 1;
  run.jobId = undefined;
  run.jobRetries = undefined;
  run.cursor = undefined;
  run.page = undefined;
}

function retryJob(run: SyncRun, why: string): void {
  run.jobRetries = (run.jobRetries ?? 0) + 1;
  if (run.jobRetries > MAX_JOB_RETRIES) {
    throw new Error(`the details job for this interval ${why}, ${run.jobRetries} times`);
  }
  run.jobId = undefined;
}

/** A sleep that ends early, with SyncStopped, when the run is stopped. */
function abortable(sleep: (ms: number) => Promise<void>, signal: AbortSignal | undefined) {
  if (!signal) return sleep;
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new SyncStopped());
      const stop = () => reject(new SyncStopped());
      signal.addEventListener('abort', stop, { once: true });
      sleep(ms).then(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      }, reject);
    });
}

/**
 * The watermark moves to the run's end when the run joins the range already covered (or there is none yet):
 * a detached --from/--to backfill leaves it where it is.
 */
function nextWatermark(run: SyncRun, previous: number | undefined): string | null {
  if (previous === undefined) return new Date(run.to).toISOString();
  if (run.explicit && run.from > previous) return null;
  return new Date(Math.max(previous, run.to)).toISOString();
}

/** Polls a details job until it is FULFILLED ('ready'), or says why it has to be created again. */
async function waitForJob(
  api: GenesysApi,
  jobId: string,
  source: GenesysSourceConfig,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
): Promise<'ready' | string> {
  const deadline = now() + source.jobTimeoutMinutes * 60_000;
  for (;;) {
    let status: { state: string; errorMessage?: string };
    try {
      status = await api.jobStatus(jobId);
    } catch (error) {
      if (error instanceof GenesysApiError && error.status === 404) return 'was not found (404)';
      throw error;
    }
    if (status.state === 'FULFILLED') return 'ready';
    if (['FAILED', 'CANCELLED', 'EXPIRED'].includes(status.state)) {
      return `ended ${status.state}${status.errorMessage ? ` (${status.errorMessage})` : ''}`;
    }
    if (now() > deadline) {
      throw new Error(`the details job ${jobId} was not ready after ${source.jobTimeoutMinutes} minutes`);
    }
    await sleep(source.jobPollSeconds * 1000);
  }
}

async function storedRun(store: Store): Promise<SyncRun | undefined> {
  const text = await store.getMeta(RUN_KEY);
  return text ? (JSON.parse(text) as SyncRun) : undefined;
}

/** The last run recorded in the store, if any. */
export async function lastRun(store: Store): Promise<LastRun | null> {
  const text = await store.getMeta(LAST_RUN_KEY);
  return text ? (JSON.parse(text) as LastRun) : null;
}

/** The stored watermark of the organization last synced into this data directory. */
export async function storedWatermark(store: Store, last: LastRun | null): Promise<string | null> {
  return last ? ((await store.getMeta(watermarkKey(last.organization.id))) ?? null) : null;
}

/** Whether a run was interrupted and the next one will continue it. */
export async function interruptedRun(store: Store): Promise<boolean> {
  return (await storedRun(store)) !== undefined;
}

function lastRunOf(
  run: SyncRun,
  status: LastRun['status'],
  finishedAt: Date | null,
  error: string | null,
): LastRun {
  return {
    organization: { id: run.orgId, name: run.orgName },
    trigger: run.trigger,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    status,
    from: new Date(run.from).toISOString(),
    to: new Date(run.to).toISOString(),
    conversations: run.counts.conversations,
    added: run.counts.added,
    updated: run.counts.updated,
    unchanged: run.counts.unchanged,
    rejected: run.rejected,
    error,
  };
}

/** A run stopped on request (server shutdown): its checkpoint is saved. */
export class SyncStopped extends Error {
  override name = 'SyncStopped';
  constructor() {
    super('the sync was stopped; its progress is saved and the next run continues it');
  }
}

/** A failed run: what failed, and where the next run will continue from. */
export class SyncError extends Error {
  override name = 'SyncError';
  constructor(cause: unknown, run: SyncRun, dryRun: boolean) {
    const what = cause instanceof Error ? cause.message : String(cause);
    const interval = run.intervals[run.index];
    const where = interval
      ? `interval ${run.index + 1} of ${run.intervals.length} (${intervalText(interval.start, interval.end)}, ${interval.method === 'job' ? 'details job' : 'details query'}${run.page ? `, page ${run.page}` : run.cursor ? ', after the last page read' : ''})`
      : 'the end of the run';
    super(
      dryRun
        ? `${what}. The dry run stopped at ${where}.`
        : `${what}. The run stopped at ${where}; its progress is saved: run \`caseflow sync genesys\` again to resume from there.`,
      { cause },
    );
  }
}
