import type { Kysely } from 'kysely';
import type { CaseflowConfig } from '../config/index.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import { conditionsHold } from './conditions.ts';
import { type DispatchResult, dispatchOne, nextDueAt } from './dispatcher.ts';
import type { Step } from './model.ts';
import { getWorkflow, NotFoundError, type Run, rerunRun, runKey } from './repository.ts';
import { type ScanSummary, scanClosedConversations } from './scan.ts';
import { DEFAULT_SHEETS_BASE_URL, executeStep, GoogleAuth, type StepResult } from './steps/index.ts';
import { readClosedConversations, runVariables, type Variables } from './variables.ts';

/**
 * Workflows inside the server: the trigger scan (at start, every `scanIntervalSeconds`, and whenever the
 * server changes data: `dataChanged()`), and the dispatcher (whenever runs are enqueued or due). Timers are
 * unref'd; `stop()` ends them and aborts running steps (their attempts are retried later).
 */

export interface WorkflowLog {
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface WorkflowServiceOptions {
  store: Store;
  db: Kysely<OperationalSchema>;
  config: CaseflowConfig;
  /** Where steps read their secrets and connection URLs (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  log?: WorkflowLog;
  now?: () => Date;
  random?: () => number;
  fetch?: typeof fetch;
  /** Lease of a claimed run (default 15 min). */
  leaseMs?: number;
}

export interface StepTestResult extends StepResult {
  index: number;
  type: Step['type'];
  name: string | null;
  durationMs: number;
  /** Not run: an earlier step failed. */
  skipped: boolean;
}

export interface WorkflowTestResult {
  workflowId: number;
  conversationId: string;
  version: string;
  conditionsMatch: boolean;
  ok: boolean;
  variables: Variables;
  steps: StepTestResult[];
}

const quiet: WorkflowLog = { info: () => {}, warn: () => {}, error: () => {} };

/** The longest wait between two looks at the outbox (a run made due by another process). */
const MAX_IDLE_MS = 30_000;

export class WorkflowService {
  readonly #options: WorkflowServiceOptions;
  readonly #abort = new AbortController();
  readonly #google: GoogleAuth;
  readonly #log: WorkflowLog;
  #scanTimer: NodeJS.Timeout | null = null;
  #dispatchTimer: NodeJS.Timeout | null = null;
  #scanning: Promise<ScanSummary | null> | null = null;
  #scanAgain = false;
  #dispatching: Promise<void> | null = null;
  #dispatchAgain = false;
  #started = false;

  constructor(options: WorkflowServiceOptions) {
    this.#options = options;
    this.#log = options.log ?? quiet;
    this.#google = new GoogleAuth({
      file: options.config.workflows.googleServiceAccountFile,
      tokenUri: options.config.workflows.googleTokenUri,
      fetch: this.#fetch,
      now: () => this.#now().getTime(),
    });
  }

  get db(): Kysely<OperationalSchema> {
    return this.#options.db;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  get #fetch(): typeof fetch {
    return this.#options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Starts the periodic scan (a first one now) and the dispatcher. */
  start(): void {
    if (this.#started || this.#abort.signal.aborted) return;
    this.#started = true;
    const everyMs = this.#options.config.workflows.scanIntervalSeconds * 1000;
    this.#scanTimer = setInterval(() => this.dataChanged(), everyMs);
    this.#scanTimer.unref();
    this.dataChanged();
    this.#kick();
  }

  /** Stops the timers and running steps; waits for the scan and the attempt in progress to end. */
  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#scanTimer) clearInterval(this.#scanTimer);
    if (this.#dispatchTimer) clearTimeout(this.#dispatchTimer);
    this.#scanTimer = null;
    this.#dispatchTimer = null;
    await Promise.allSettled([this.#scanning, this.#dispatching]);
  }

  /** Data changed (a sync, an import): scan soon, in the background (once started). */
  dataChanged(): void {
    if (!this.#started || this.#abort.signal.aborted) return;
    this.scan()
      .then(() => this.#kick())
      .catch((error: unknown) =>
        this.#log.error(`workflows: trigger scan failed: ${(error as Error).message}`),
      );
  }

  /** One trigger scan (a scan asked for while one runs runs once more after it). */
  scan(): Promise<ScanSummary | null> {
    if (this.#scanning) {
      this.#scanAgain = true;
      return this.#scanning;
    }
    const run = async (): Promise<ScanSummary | null> => {
      let last: ScanSummary | null = null;
      do {
        this.#scanAgain = false;
        if (this.#abort.signal.aborted) break;
        last = await scanClosedConversations({
          store: this.#options.store,
          db: this.#options.db,
          config: this.#options.config,
          now: this.#now(),
        });
        if (last.runs > 0)
          this.#log.info(
            `workflows: ${last.runs} run(s) queued for ${last.conversations} closed conversation(s)`,
          );
      } while (this.#scanAgain);
      return last;
    };
    this.#scanning = run().finally(() => {
      this.#scanning = null;
    });
    return this.#scanning;
  }

  #runStep = (step: Step, variables: Variables): Promise<StepResult> =>
    executeStep(
      step,
      {
        variables,
        env: this.#options.env ?? process.env,
        signal: this.#abort.signal,
        fetch: this.#fetch,
      },
      {
        google: {
          auth: this.#google,
          baseUrl: this.#options.config.workflows.sheetsBaseUrl ?? DEFAULT_SHEETS_BASE_URL,
        },
      },
    );

  /** Runs every due run, one after the other; returns what happened to each (tests drive this). */
  async dispatchDue(limit = Number.POSITIVE_INFINITY): Promise<DispatchResult[]> {
    const results: DispatchResult[] = [];
    while (results.length < limit && !this.#abort.signal.aborted) {
      const result = await dispatchOne({
        db: this.#options.db,
        retry: this.#options.config.workflows.retry,
        ...(this.#options.leaseMs === undefined ? {} : { leaseMs: this.#options.leaseMs }),
        now: () => this.#now(),
        random: this.#options.random ?? Math.random,
        runStep: this.#runStep,
      });
      if (!result) break;
      results.push(result);
      if (result.status === 'dead') {
        this.#log.warn(`workflows: run ${result.runId} dead after its last attempt: ${result.error}`);
      } else if (result.status === 'retry') {
        this.#log.warn(`workflows: run ${result.runId} failed, retried later: ${result.error}`);
      }
    }
    return results;
  }

  /** Dispatches in the background now, then plans the next look at the next due time. */
  #kick(): void {
    if (!this.#started || this.#abort.signal.aborted) return;
    if (this.#dispatching) {
      this.#dispatchAgain = true;
      return;
    }
    if (this.#dispatchTimer) clearTimeout(this.#dispatchTimer);
    this.#dispatchTimer = null;
    this.#dispatching = (async () => {
      do {
        this.#dispatchAgain = false;
        await this.dispatchDue();
      } while (this.#dispatchAgain && !this.#abort.signal.aborted);
      const next = await nextDueAt(this.#options.db);
      const wait = next === null ? MAX_IDLE_MS : Date.parse(next) - this.#now().getTime();
      this.#plan(Math.min(MAX_IDLE_MS, Math.max(0, wait)));
    })()
      .catch((error: unknown) => {
        this.#log.error(`workflows: dispatch failed: ${(error as Error).message}`);
        this.#plan(MAX_IDLE_MS);
      })
      .finally(() => {
        this.#dispatching = null;
      });
  }

  #plan(delayMs: number): void {
    if (this.#abort.signal.aborted) return;
    if (this.#dispatchTimer) clearTimeout(this.#dispatchTimer);
    this.#dispatchTimer = setTimeout(() => {
      this.#dispatchTimer = null;
      this.#kick();
    }, delayMs);
    this.#dispatchTimer.unref();
  }

  /** Manual re-run (see rerunRun); the dispatcher picks it up at once. */
  async rerun(runId: number): Promise<Run> {
    const run = await rerunRun(this.#options.db, runId, this.#now());
    this.#kick();
    return run;
  }

  /**
   * "Send a sample": runs the workflow's steps once, now, with the latest closed conversation (or the given
   * one), whatever its conditions say; nothing is enqueued or logged. NotFoundError without a workflow or
   * a closed conversation.
   */
  async test(workflowId: number, conversationId?: string): Promise<WorkflowTestResult> {
    const workflow = await getWorkflow(this.#options.db, workflowId);
    if (!workflow) throw new NotFoundError(`no workflow ${workflowId}`);
    const [conversation] = await readClosedConversations(
      this.#options.store,
      this.#options.config,
      conversationId === undefined ? 'true' : 'f.conversation_id = $id',
      conversationId === undefined ? {} : { id: conversationId },
      'ORDER BY f.resolved_at DESC, f.conversation_id DESC LIMIT 1',
    );
    if (!conversation) {
      throw new NotFoundError(
        conversationId === undefined
          ? 'no closed conversation to test with yet'
          : `no closed conversation ${conversationId}`,
      );
    }
    const id = String(conversation.variables.conversationId);
    const variables = runVariables(conversation.variables, {
      eventId: `test:${runKey(workflow.id, id, conversation.version)}`,
      workflowId: workflow.id,
      workflowName: workflow.name,
    });
    const steps: StepTestResult[] = [];
    let failed = false;
    for (const [index, step] of workflow.steps.entries()) {
      const base = { index, type: step.type, name: step.name ?? null };
      if (failed) {
        steps.push({
          ...base,
          ok: false,
          skipped: true,
          responseCode: null,
          error: null,
          detail: null,
          durationMs: 0,
        });
        continue;
      }
      const started = performance.now();
      const result = await this.#runStep(step, variables);
      steps.push({ ...base, ...result, skipped: false, durationMs: Math.round(performance.now() - started) });
      failed = !result.ok;
    }
    return {
      workflowId: workflow.id,
      conversationId: id,
      version: conversation.version,
      conditionsMatch: conditionsHold(workflow.conditions, conversation.variables),
      ok: !failed,
      variables,
      steps,
    };
  }
}
