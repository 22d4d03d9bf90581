import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { FULL_SCOPE } from '../access/index.ts';
import type { Lang } from '../eventlog/index.ts';
import { makeDirectory } from '../export/tabular.ts';
import { type ExportRecord, isExpired, listExports } from '../reports/export-history.ts';
import { checkRange, writeExport } from '../reports/exports.ts';
import { openOperationalStore } from '../store/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { Progress } from './progress.ts';

const CLI_KINDS = ['conversations', 'messages', 'failed-messages'] as const;

const DESCRIPTIONS: Record<(typeof CLI_KINDS)[number], string> = {
  conversations: 'export the conversations resolved in a date range (CSV, the data-export columns)',
  messages: 'export the messages sent in a date range (CSV)',
  'failed-messages': 'export the failed messages of a date range, with the failure reason (CSV)',
};

/**
 * `caseflow export conversations|messages|failed-messages` (the export code of the background exports,
 * run here and now with a progress bar) and `caseflow exports` (the history of the background exports).
 */
export function registerExportCommands(program: Command, cli: CliContext): void {
  const exportCommand = program.commands.find((c) => c.name() === 'export');
  if (!exportCommand) throw new Error('the export command must be registered first');
  for (const kind of CLI_KINDS) {
    exportCommand
      .command(kind)
      .description(DESCRIPTIONS[kind])
      .requiredOption('--from <date>', 'start, inclusive (ISO-8601 date or date-time; UTC)')
      .requiredOption('--to <date>', 'end, exclusive (at most one year after --from)')
      .requiredOption('--out <file>', 'CSV file to write')
      .addOption(new Option('--lang <lang>', 'language of the headers').choices(['en', 'fr']).default('en'))
      .option('--json', 'print the summary as JSON')
      .action(async (opts: { from: string; to: string; out: string; lang: Lang; json?: boolean }) => {
        const range = checkRange(opts.from, opts.to);
        if ('field' in range) throw new UsageError(`--${range.field}: ${range.message}`);
        const out = path.resolve(opts.out);
        makeDirectory(path.dirname(out));
        const started = Date.now();
        const result = await cli.withStore(async (store) => {
          const progress = new Progress(`Exporting ${kind}`, !opts.json, ' rows');
          try {
            return await writeExport(store, { kind, lang: opts.lang, scope: FULL_SCOPE, ...range }, out, {
              onProgress: (rows, total) => progress.update(rows, total),
            });
          } finally {
            progress.stop();
          }
        });
        const summary = {
          kind,
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          out,
          rows: result.rows,
          bytes: result.bytes,
          ms: Date.now() - started,
        };
        cli.print(Boolean(opts.json), summary, () => `Exported ${summary.rows} rows (${kind}) to ${out}`);
      });
  }

  program
    .command('exports')
    .description('the history of the data exports requested from the server (POST /api/v1/exports)')
    .option('--limit <n>', 'how many, newest first', positiveInt, 50)
    .option('--json', 'print as JSON')
    .action(async (opts: { limit: number; json?: boolean }) => {
      const items = await readHistory(cli.dataDir, opts.limit);
      const now = new Date();
      const shown = items.map((r) => (isExpired(r, now) ? { ...r, status: 'expired' as const } : r));
      cli.print(Boolean(opts.json), { items: shown }, () => historyText(shown));
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('--limit must be a positive integer');
  return n;
}

/**
 * Reads the history from the operational store (DATABASE_URL, else the PGlite database of the data
 * directory, which one process at a time may open: while the server runs, ask it instead).
 */
async function readHistory(dataDir: string, limit: number): Promise<ExportRecord[]> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  // No operational database yet: no export was ever requested (and none is created just to say so).
  if (!databaseUrl && !existsSync(path.join(dataDir, 'pg'))) return [];
  let operational: Awaited<ReturnType<typeof openOperationalStore>>;
  try {
    operational = await openOperationalStore({ dataDir, databaseUrl });
  } catch (error) {
    const message = (error as Error).message;
    if (/in use by/.test(message)) {
      throw new UsageError(`${message}; while the server runs, the history is at GET /api/v1/exports`);
    }
    throw error;
  }
  try {
    return await listExports(operational.db, limit);
  } finally {
    await operational.close();
  }
}

const size = (bytes: number | null): string =>
  bytes === null
    ? ''
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 ** 2
        ? `${(bytes / 1024).toFixed(1)} kB`
        : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

function historyText(items: readonly ExportRecord[]): string {
  if (items.length === 0) return 'No data export yet.';
  const header = ['Id', 'Kind', 'From', 'To', 'Status', 'Rows', 'Size', 'Created', 'Expires', 'Error'];
  const rows = items.map((r) => [
    String(r.id),
    r.kind,
    r.from,
    r.to,
    r.status === 'running' ? `running ${Math.round(r.progress * 100)} %` : r.status,
    r.rows === null ? '' : String(r.rows),
    size(r.bytes),
    r.createdAt,
    r.status === 'succeeded' ? (r.expiresAt ?? '') : '',
    r.error ?? '',
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return table
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
