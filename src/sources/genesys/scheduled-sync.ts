import { type CaseflowConfig, ConfigError } from '../../config/index.ts';
import type { Store } from '../../store/index.ts';
import { regionUrls } from './regions.ts';
import type { GenesysSourceStatus, SyncProgress, SyncTrigger } from './status.ts';
import {
  genesysSettings,
  interruptedRun,
  lastRun,
  SyncStopped,
  type SyncSummary,
  storedWatermark,
  syncGenesys,
} from './sync.ts';

export interface ScheduledSyncOptions {
  store: Store;
  config: CaseflowConfig;
  env?: NodeJS.ProcessEnv;
  log: { info: (msg: string) => void; warn: (msg: string) => void; error: (msg: string) => void };
  /** Called after a run that wrote data (the server warms its process-mining tables). */
  afterRun?: (summary: SyncSummary) => Promise<void>;
}

/**
 * The Genesys sync inside the server: every `scheduleEveryMinutes` when configured (off by default), or
 * on demand; one run at a time; stopped at a checkpoint when the server closes.
 */
export class ScheduledGenesysSync {
  private running: Promise<void> | null = null;
  private progress: SyncProgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextRunAt: number | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly options: ScheduledSyncOptions) {}

  private get everyMs(): number | null {
    const minutes = this.options.config.sources.genesys?.scheduleEveryMinutes;
    return minutes ? minutes * 60_000 : null;
  }

  /** Starts the schedule (a first run right away: it also finishes an interrupted run). */
  start(): void {
    if (this.everyMs === null || this.configError() !== null) return;
    this.plan(0);
  }

  private plan(delay: number): void {
    if (this.abort.signal.aborted) return;
    this.nextRunAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextRunAt = null;
      this.run('schedule');
    }, delay);
    this.timer.unref();
  }

  /** Starts a run now: false when one is already running. Throws ConfigError when not configured. */
  run(trigger: SyncTrigger): boolean {
    const problem = this.configError();
    if (problem) throw new ConfigError(problem);
    if (this.running) return false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextRunAt = null;
    const { log } = this.options;
    this.progress = null;
    this.running = this.syncOnOwnConnection(trigger)
      .then(async (summary) => {
        log.info(
          `genesys sync: ${summary.added} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} rejected conversations`,
        );
        await this.options.afterRun?.(summary);
      })
      .catch((error: unknown) => {
        if (!(error instanceof SyncStopped)) log.error(`genesys sync failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = null;
        this.progress = null;
        const every = this.everyMs;
        if (every !== null) this.plan(every);
      });
    return true;
  }

  private async syncOnOwnConnection(trigger: SyncTrigger): Promise<SyncSummary> {
    const { config, env, log } = this.options;
    const store = await this.options.store.fork();
    try {
      return await syncGenesys(store, config, {
        env,
        trigger,
        signal: this.abort.signal,
        onProgress: (p) => {
          this.progress = p;
        },
        onRetry: (r) =>
          log.warn(
            `genesys sync: ${r.method} ${r.path}: ${r.reason}; retry in ${r.delayMs} ms (${r.attempt}/${r.maxAttempts})`,
          ),
      });
    } finally {
      store.close();
    }
  }

  async status(): Promise<GenesysSourceStatus> {
    const { store, config } = this.options;
    const source = config.sources.genesys;
    const last = await lastRun(store);
    const running = this.running !== null;
    const error = this.configError();
    const urls = source ? regionUrls(source.region, source.baseUrl) : null;
    return {
      id: 'genesys',
      kind: 'genesys-cloud',
      configured: source !== undefined,
      region: source?.region ?? null,
      apiUrl: urls?.apiUrl ?? null,
      sourceSystem: source?.sourceSystem ?? config.sourceSystem,
      schedule: source?.scheduleEveryMinutes ? { everyMinutes: source.scheduleEveryMinutes } : null,
      state: !source
        ? 'disabled'
        : running
          ? 'running'
          : error || last?.status === 'failed' || (last?.status === 'running' && !running)
            ? 'failed'
            : 'idle',
      organization: last?.organization ?? null,
      watermark: await storedWatermark(store, last),
      nextRunAt: this.nextRunAt === null ? null : new Date(this.nextRunAt).toISOString(),
      error,
      interrupted: !running && (await interruptedRun(store)),
      progress: running ? this.progress : null,
      lastRun:
        last && last.status === 'running' && !running
          ? {
              ...last,
              status: 'failed',
              error: last.error ?? 'interrupted (the process stopped during the run)',
            }
          : last,
    };
  }

  private configError(): string | null {
    if (!this.options.config.sources.genesys) return 'the Genesys Cloud connector is not configured';
    try {
      genesysSettings(this.options.config, this.options.env);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Stops the schedule; a run in progress stops at its next checkpoint. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
