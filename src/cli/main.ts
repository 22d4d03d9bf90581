import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, configFile, loadConfig } from '../config/index.ts';
import { DEMO_DEFAULTS, demoConfig, generateDemo } from '../demo/index.ts';
import { computeKpis, type Kpis, type Lang } from '../eventlog/index.ts';
import { EXPORT_FORMATS, type ExportFormat, exportEventLog } from '../export/index.ts';
import { ensureMaterialized, UnknownDatasetError } from '../mining/index.ts';
import { assertServable, startServer } from '../server/index.ts';
import { importMessages, type SupportImportSummary } from '../sources/conversations/index.ts';
import { type ImportSummary, importGenesys, rebuild } from '../sources/genesys/index.ts';
import { InputError, locate } from '../sources/records.ts';
import { openStore, type Store } from '../store/index.ts';
import { syncWorkEvents } from '../work/eventlog.ts';
import { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { registerExportCommands } from './exports.ts';
import { formatDuration } from './format.ts';
import { registerMiningCommands } from './mining.ts';
import { registerPrivacyCommands } from './privacy.ts';
import { Progress } from './progress.ts';
import { registerReportCommands } from './report.ts';
import { registerSupportCommands, supportImportText } from './support.ts';
import { registerSyncCommands } from './sync.ts';
import { registerUserCommands } from './users.ts';
import { registerWorkCommands } from './work.ts';
import { registerWorkflowCommands } from './workflows.ts';

const program = new Command('caseflow')
  .description('Service-operations intelligence for contact centers: one event log per service request.')
  .option('-d, --data-dir <dir>', 'data directory (env CASEFLOW_DATA_DIR, default ./.caseflow)')
  .option('-c, --config <file>', 'configuration file (env CASEFLOW_CONFIG, default ./caseflow.config.json)')
  .showHelpAfterError()
  .exitOverride();

const cli = new CliContext(program);
// Every command validates the configuration first, so that a bad key is reported before any work.
program.hook('preAction', () => {
  cli.config();
});
const config = () => cli.config();
const print = cli.print.bind(cli);
const withStore = cli.withStore.bind(cli);

/** Bytes as megabytes with one decimal, for progress bars. */
const mb = (bytes: number): number => Math.round(bytes / 100_000) / 10;

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const importCmd = program.command('import').description('import data into the event log');
importCmd
  .command('genesys')
  .description(
    'import Genesys Cloud conversation detail records: details query responses, details-job result pages, JSON arrays, NDJSON, .gz of any, directories (recursive)',
  )
  .argument('<path...>', 'files or directories')
  .option('--users <file>', 'users directory ({"entities":[{"id","name","groups":[{"id"}]}]})')
  .option('--queues <file>', 'queues directory')
  .option('--wrapup-codes <file>', 'wrap-up codes directory')
  .option('--groups <file>', 'groups directory (the teams of the users that list them)')
  .option('--surveys <file>', 'survey results (JSON array or NDJSON of {conversationId, sentDate, score})')
  .option(
    '--message-conversations <file>',
    'messages of messaging conversations (GET /api/v2/conversations/messages/{id} answers: JSON array or NDJSON)',
  )
  .option('--json', 'print the summary as JSON')
  .action(async (paths: string[], opts) => {
    const cfg = config();
    const summary = await withStore(async (store) => {
      const progress = new Progress('Importing', !opts.json, ' MB');
      try {
        const result = await importGenesys(store, paths, {
          config: cfg,
          users: opts.users,
          queues: opts.queues,
          wrapUpCodes: opts.wrapupCodes,
          groups: opts.groups,
          surveys: opts.surveys,
          messageConversations: opts.messageConversations,
          onProgress: (p) =>
            progress.update(mb(p.bytesRead), mb(p.bytesTotal), {
              detail: `${p.conversations} conversations, ${p.rejected} rejected`,
            }),
        });
        progress.stop();
        await prepareMining(store, 'default', !opts.json);
        return result;
      } finally {
        progress.stop();
      }
    });
    print(opts.json, summary, () => importText(summary));
    if (summary.conversations === 0) {
      throw new UsageError('no valid conversation record found in the given paths');
    }
  });

function importText(s: ImportSummary): string {
  const lines = [
    `Imported ${s.files} file(s): ${s.conversations} conversations (${s.unchanged} unchanged, ${s.olderVersions} older versions skipped), ${s.rejected} rejected.`,
    `Event log now holds ${s.events} events in ${s.cases} service requests.`,
  ];
  if (s.surveys) lines.push(`Surveys: ${s.surveys}.`);
  if (s.messages.conversations) {
    lines.push(
      `Messages: ${s.messages.messages} of ${s.messages.conversations} messaging conversation(s)${s.messages.skipped ? `, ${s.messages.skipped} unreadable item(s) skipped` : ''}.`,
    );
  }
  if (s.unmatchedSurveys) {
    lines.push(
      `Surveys waiting for their conversation (no event until it is imported): ${s.unmatchedSurveys}.`,
    );
  }
  if (s.warnings) {
    lines.push(`Warnings: ${s.warnings} record(s) with parts ignored by derivation:`);
    for (const [w, n] of Object.entries(s.warningDetails)) lines.push(`  ${w}: ${n}`);
  }
  for (const r of s.firstRejections) {
    lines.push(`  rejected ${locate(r)}${r.conversationId ? ` (${r.conversationId})` : ''}: ${r.reason}`);
  }
  if (s.rejected > s.firstRejections.length)
    lines.push(`  … and ${s.rejected - s.firstRejections.length} more`);
  if (s.quarantineFile) lines.push(`Rejected records and reasons: ${s.quarantineFile}`);
  return lines.join('\n');
}

program
  .command('export')
  .description('export data')
  .command('eventlog')
  .description('export the event log (CSV, XES, OCEL 2.0 JSON, Parquet hive-partitioned by month)')
  .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).makeOptionMandatory())
  .requiredOption('--out <path>', 'output file (a directory for parquet)')
  .addOption(new Option('--lang <lang>', 'language of activity names').choices(['en', 'fr']).default('en'))
  .option('--from <date>', 'events at or after this date/time (ISO-8601, UTC)')
  .option('--to <date>', 'events before this date/time (ISO-8601, UTC)')
  .option('--json', 'print the summary as JSON')
  .action(
    async (opts: {
      format: ExportFormat;
      out: string;
      lang: Lang;
      from?: string;
      to?: string;
      json?: boolean;
    }) => {
      const started = Date.now();
      const result = await withStore(async (store) => {
        const progress = new Progress(`Exporting ${opts.format}`, !opts.json, ' events');
        try {
          return await exportEventLog(store, {
            format: opts.format,
            out: opts.out,
            lang: opts.lang,
            from: opts.from,
            to: opts.to,
            onProgress: (n, total) => progress.update(n, total),
          });
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        } finally {
          progress.stop();
        }
      });
      const summary = {
        format: opts.format,
        out: path.resolve(opts.out),
        events: result.events,
        ms: Date.now() - started,
      };
      print(
        Boolean(opts.json),
        summary,
        () => `Exported ${summary.events} events as ${opts.format} to ${summary.out}`,
      );
    },
  );

program
  .command('kpis')
  .description(
    'headline KPIs: volumes, SLA %, FCR %, reopen %, resolution time, handle time, CSAT, by media type',
  )
  .option('--json', 'print as JSON')
  .action(async (opts: { json?: boolean }) => {
    const kpis = await withStore((store) => computeKpis(store));
    print(Boolean(opts.json), kpis, () => kpiText(kpis));
  });

function kpiText(k: Kpis): string {
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const dur = (v: number | null) => (v === null ? '—' : formatDuration(v));
  const num = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  const header = [
    'MediaType',
    'Cases',
    'Conv.',
    'Events',
    'SLA',
    'FCR',
    'Reopen',
    'Mean res.',
    'Median res.',
    'AHT',
    'CSAT',
  ];
  const row = (name: string, f: Kpis | Kpis['byMediaType'][number]) => [
    name,
    String(f.cases),
    String(f.conversations),
    String(f.events),
    pct(f.slaCompliancePct),
    pct(f.firstContactResolutionPct),
    pct(f.reopenPct),
    dur(f.meanServiceResolutionTime),
    dur(f.medianServiceResolutionTime),
    dur(f.meanHandleTime),
    num(f.meanCsat),
  ];
  const rows = [header, ...k.byMediaType.map((m) => row(m.mediaType ?? '(unknown)', m)), row('all', k)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

program
  .command('demo')
  .description('generate the deterministic demo data set (Genesys-shaped) and import it')
  .option(
    '--conversations <n>',
    'number of conversations',
    positiveInt('--conversations'),
    DEMO_DEFAULTS.conversations,
  )
  .option('--days <n>', 'days covered', positiveInt('--days'), DEMO_DEFAULTS.days)
  .option(
    '--seed <n>',
    'random seed (same seed → byte-identical files)',
    positiveInt('--seed'),
    DEMO_DEFAULTS.seed,
  )
  .option('--end <date>', 'day after the last day covered (YYYY-MM-DD)', DEMO_DEFAULTS.end)
  .option('--out <dir>', 'where to write the files (default <data-dir>/demo)')
  .option('--no-import', 'only write the files')
  .option('--json', 'print the summary as JSON')
  .action(async (opts) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.end)) throw new UsageError('--end must be a date YYYY-MM-DD');
    const dataDir = cli.dataDir;
    const summary = await loadDemo(dataDir, opts, !opts.json, opts.import !== false);
    print(Boolean(opts.json), summary, () =>
      [
        `Demo data written to ${summary.dir}`,
        summary.import ? importText(summary.import) : '',
        summary.messages ? supportImportText(summary.messages) : '',
      ]
        .join('\n')
        .trim(),
    );
  });

/** Generates the demo data set under dataDir (or opts.out) and imports it. */
export async function loadDemo(
  dataDir: string,
  opts: { conversations: number; days: number; seed: number; end: string; out?: string },
  showProgress: boolean,
  doImport = true,
): Promise<{ dir: string; import: ImportSummary | null; messages: SupportImportSummary | null }> {
  const dir = path.resolve(opts.out ?? path.join(dataDir, 'demo'));
  const generating = new Progress('Generating', showProgress, ' conversations');
  const files = await generateDemo(
    dir,
    { conversations: opts.conversations, days: opts.days, seed: opts.seed, end: opts.end },
    (done, total) => generating.update(done, total),
  );
  generating.stop();
  if (!doImport) return { dir, import: null, messages: null };
  mkdirSync(dataDir, { recursive: true });
  if (!configFile(cli.configOption, process.env, dataDir)) {
    writeFileSync(
      path.join(dataDir, 'caseflow.config.json'),
      `${JSON.stringify(demoConfig(opts.seed), null, 2)}\n`,
    );
  }
  const cfg = loadConfig(cli.configOption, process.env, dataDir);
  const store = await openStore(dataDir);
  const importing = new Progress('Importing', showProgress, ' MB');
  try {
    const summary = await importGenesys(store, files.conversations, {
      config: cfg,
      users: files.users,
      queues: files.queues,
      wrapUpCodes: files.wrapUpCodes,
      surveys: files.surveys,
      onProgress: (p) =>
        importing.update(mb(p.bytesRead), mb(p.bytesTotal), { detail: `${p.conversations} conversations` }),
    });
    importing.stop();
    const messages = await importMessages(store, files.messages, { source: 'demo', privacy: cfg.privacy });
    await prepareMining(store, 'default', showProgress);
    return { dir, import: summary, messages };
  } finally {
    importing.stop();
    store.close();
  }
}

program
  .command('rebuild')
  .description('re-derive events and cases from the stored raw records with the current configuration')
  .option('--json', 'print the summary as JSON')
  .action(async (opts: { json?: boolean }) => {
    const cfg = config();
    const summary = await withStore(async (store) => {
      const progress = new Progress('Rebuilding', !opts.json, ' conversations');
      try {
        return await rebuild(store, cfg, (done, total) => progress.update(done, total));
      } finally {
        progress.stop();
      }
    }, false);
    print(Boolean(opts.json), summary, () =>
      [
        `Rebuilt ${summary.conversations} conversations: ${summary.events} events in ${summary.cases} service requests.`,
        ...summary.failed.map((f) => `  failed ${f.conversationId}: ${f.reason}`),
      ].join('\n'),
    );
  });

program
  .command('serve')
  .description('serve the API and dashboard (PORT, HOST env; default http://127.0.0.1:4100)')
  .option('--demo', 'load the demo data set first when the data directory holds no data')
  .option('--port <port>', 'port (env PORT)', (value: string) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new InvalidArgumentError('--port must be a whole number from 1 to 65535');
    }
    return port;
  })
  .option('--host <host>', 'interface (env HOST)')
  .action(async (opts: { demo?: boolean; port?: number; host?: string }) => {
    const dataDir = cli.dataDir;
    assertServable(config());
    if (opts.demo && (await holdsNoData(dataDir))) {
      process.stderr.write(`No data in ${dataDir}: generating and importing the demo data set…\n`);
      await loadDemo(dataDir, DEMO_DEFAULTS, true);
    }
    const cfg = config();
    if (opts.port) cfg.server.port = opts.port;
    if (opts.host) cfg.server.host = opts.host;
    await startServer({ dataDir, config: cfg });
  });

/** True when the data directory has no conversation yet (no database, or an empty one). */
async function holdsNoData(dataDir: string): Promise<boolean> {
  if (!existsSync(path.join(dataDir, 'caseflow.duckdb'))) return true;
  const store = await openStore(dataDir);
  try {
    return (await store.counts()).conversations === 0;
  } finally {
    store.close();
  }
}

/** Builds the process-mining tables right after an import, so that the first map or dashboard view is fast. */
async function prepareMining(store: Store, dataset: string, verbose: boolean): Promise<void> {
  if (verbose && process.stderr.isTTY) process.stderr.write('Preparing process-mining tables…\n');
  await ensureMaterialized(store, dataset);
}

registerMiningCommands(program, cli, importCmd, prepareMining);
registerSyncCommands(program, cli, prepareMining);
registerSupportCommands(importCmd, cli);
registerReportCommands(program, cli);
registerExportCommands(program, cli);
registerWorkflowCommands(program, cli);
registerUserCommands(program, cli);
registerPrivacyCommands(program, cli);
registerWorkCommands(program, cli);

// caseflow work sync-eventlog: work-item events since the last run into the event log (the server does it
// by itself every minute and after work changes).
(program.commands.find((c) => c.name() === 'work') ?? program.command('work').description('work automation'))
  .command('sync-eventlog')
  .description('add the work-item events committed since the last run to the event log')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const result = await cli.withStore((store) =>
      cli.withOperational(async (db) => {
        const synced = await syncWorkEvents(store, db);
        if (synced.written > 0) await ensureMaterialized(store, 'default');
        return synced;
      }),
    );
    cli.print(
      opts.json === true,
      result,
      () => `${result.read} work-item events read, ${result.written} written, ${result.cases} cases updated.`,
    );
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const usage =
      error instanceof UsageError ||
      error instanceof InputError ||
      error instanceof ConfigError ||
      error instanceof UnknownDatasetError ||
      error instanceof RangeError;
    process.stderr.write(`caseflow: ${(error as Error).message}\n`);
    if (!usage && process.env.CASEFLOW_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}

await main();
