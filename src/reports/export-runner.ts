import { mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type DataScope, FULL_SCOPE } from '../access/index.ts';
import type { Lang } from '../eventlog/index.ts';
import type { OperationalStore, Store } from '../store/index.ts';
import type { ExportKind } from '../store/operational/schema.ts';
import {
  claimNextExport,
  createExport,
  EXPORT_RETENTION_MS,
  type ExportRecord,
  expireExports,
  exportStatuses,
  markExportFailed,
  markExportSucceeded,
  recoverInterruptedExports,
  requeueExport,
  setExportProgress,
} from './export-history.ts';
import { writeExport } from './exports.ts';

/**
 * The background export worker of the server: runs queued exports one at a time into
 * `<data-dir>/exports/<id>.csv`, and cleans up expired ones.
 *
 * - start(): exports left running by a stopped process are queued again (recoverInterruptedExports), the
 *   clean-up runs, then every `cleanupEveryMs` (hourly; the timer does not keep the process alive), and the
 *   queue is worked off.
 * - submit() queues an export and wakes the worker. The worker claims the oldest queued export, writes it
 *   (writeExport: a temporary file renamed when complete), records its progress at most every
 *   `progressEveryMs`, then marks it succeeded (expires 7 days later) or failed with the error.
 * - cleanup(): succeeded exports past expires_at become expired and their files are deleted; files in the
 *   exports directory that belong to no succeeded export (a crash's leftovers) are deleted too.
 * - stop(): no new work; a running export is abandoned (its temporary file removed) and queued again, so
 *   the next start runs it.
 */

export interface ExportRunnerOptions {
  store: Store;
  operational: OperationalStore;
  /** The clock of the history's times and of expiry (tests move it); default the system clock. */
  now?: () => Date;
  /** Clean-up period, ms (default one hour). */
  cleanupEveryMs?: number;
  /** How long a finished export stays downloadable, ms (default 7 days). */
  retentionMs?: number;
  /** Least time between two progress writes, ms (default 500). */
  progressEveryMs?: number;
  log?: { info(message: string): void; error(message: string): void };
}

const FILE = /^(\d+)\.csv(\.part)?$/;

export class ExportRunner {
  /** `<data-dir>/exports` */
  readonly dir: string;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | null = null;
  private wake = false;
  private started = false;
  private stopped = false;
  private current: number | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly options: ExportRunnerOptions) {
    this.dir = path.join(options.store.db.dataDir, 'exports');
    this.now = options.now ?? (() => new Date());
  }

  /** The operational database holding the history. */
  get db() {
    return this.options.operational.db;
  }

  /** The clock's time (what the routes compare expiry with). */
  clock(): Date {
    return this.now();
  }

  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    mkdirSync(this.dir, { recursive: true });
    const recovered = await recoverInterruptedExports(this.db, this.now());
    if (recovered.requeued.length) {
      this.log('info', `exports ${recovered.requeued.join(', ')} were interrupted: running them again`);
    }
    if (recovered.failed.length) {
      this.log('error', `exports ${recovered.failed.join(', ')} were interrupted too often: failed`);
    }
    await this.cleanup().catch((error: unknown) => this.log('error', `export clean-up: ${message(error)}`));
    this.timer = setInterval(() => {
      this.cleanup().catch((error: unknown) => this.log('error', `export clean-up: ${message(error)}`));
    }, this.options.cleanupEveryMs ?? 3_600_000);
    this.timer.unref();
    this.kick();
  }

  /** Queues an export of a user, written with what they may see (scope), and wakes the worker. */
  async submit(request: {
    kind: ExportKind;
    from: number;
    to: number;
    lang: Lang;
    requestedBy: string;
    scope: DataScope;
  }): Promise<ExportRecord> {
    const record = await createExport(
      this.db,
      {
        kind: request.kind,
        from: new Date(request.from).toISOString(),
        to: new Date(request.to).toISOString(),
        lang: request.lang,
        requestedBy: request.requestedBy,
        scope: request.scope,
      },
      this.now(),
    );
    this.kick();
    return record;
  }

  /** The file of an export. */
  file(id: number): string {
    return path.join(this.dir, `${id}.csv`);
  }

  /** Works off the queue unless already doing so (then it looks again when done). */
  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.loop) {
      this.wake = true;
      return;
    }
    this.wake = false;
    this.loop = this.drain()
      .catch((error: unknown) => this.log('error', `exports: ${message(error)}`))
      .finally(() => {
        this.loop = null;
        if (this.wake) this.kick();
      });
  }

  /** Resolves when the queue is empty and nothing runs (tests). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const job = await claimNextExport(this.db, this.now());
      if (!job) return;
      await this.run(job);
    }
  }

  private async run(job: ExportRecord): Promise<void> {
    this.current = job.id;
    mkdirSync(this.dir, { recursive: true });
    const every = this.options.progressEveryMs ?? 500;
    let lastWrite = performance.now();
    try {
      const result = await writeExport(
        this.options.store,
        {
          kind: job.kind,
          from: Date.parse(job.from),
          to: Date.parse(job.to),
          lang: job.lang,
          // Exports requested before access control were made of everything.
          scope: job.scope ?? FULL_SCOPE,
        },
        this.file(job.id),
        {
          signal: this.abort.signal,
          onProgress: async (rows, total) => {
            if (performance.now() - lastWrite < every || rows >= total) return;
            lastWrite = performance.now();
            await setExportProgress(this.db, job.id, total === 0 ? 0 : rows / total);
          },
        },
      );
      await markExportSucceeded(
        this.db,
        job.id,
        { ...result, fileName: path.basename(this.file(job.id)) },
        this.now(),
        this.options.retentionMs ?? EXPORT_RETENTION_MS,
      );
      this.log(
        'info',
        `export ${job.id} (${job.kind}) succeeded: ${result.rows} rows, ${result.bytes} bytes`,
      );
    } catch (error) {
      if (this.stopped) {
        await requeueExport(this.db, job.id).catch(() => {});
      } else {
        await rm(this.file(job.id), { force: true });
        await markExportFailed(this.db, job.id, message(error), this.now());
        this.log('error', `export ${job.id} (${job.kind}) failed: ${message(error)}`);
      }
    } finally {
      this.current = null;
    }
  }

  /**
   * Expires succeeded exports past expires_at and deletes their files, and the files of the exports
   * directory no succeeded export owns. Returns the ids expired now.
   */
  async cleanup(): Promise<number[]> {
    const expired = await expireExports(this.db, this.now());
    for (const e of expired) {
      await rm(path.join(this.dir, e.fileName ?? `${e.id}.csv`), { force: true });
    }
    if (expired.length) this.log('info', `exports ${expired.map((e) => e.id).join(', ')} expired`);
    await this.sweep();
    return expired.map((e) => e.id);
  }

  private async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const files = names.flatMap((name) => {
      const match = FILE.exec(name);
      return match ? [{ name, id: Number(match[1]), part: Boolean(match[2]) }] : [];
    });
    const statuses = await exportStatuses(
      this.db,
      [...new Set(files.map((f) => f.id))].filter((id) => Number.isSafeInteger(id)),
    );
    for (const f of files) {
      if (f.id === this.current) continue;
      if (!f.part && statuses.get(f.id) === 'succeeded') continue;
      await rm(path.join(this.dir, f.name), { force: true });
    }
  }

  /** Stops the timers and the worker; a running export is abandoned and queued again. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error('the server is stopping'));
    await this.idle();
  }

  private log(level: 'info' | 'error', text: string): void {
    this.options.log?.[level](text);
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
