import { type Command, Option } from 'commander';
import { FULL_SCOPE } from '../access/index.ts';
import type { Lang } from '../eventlog/index.ts';
import {
  activityDisplay,
  assertDataset,
  bottlenecks,
  CASE_SORTS,
  type CaseSort,
  caseDetail,
  conformance,
  datasets,
  designedFlowsFor,
  handovers,
  listCases,
  overview,
  processMap,
  variants,
} from '../mining/index.ts';
import { EVENTLOG_FORMATS, type EventLogFormat, importEventLog } from '../sources/eventlog/index.ts';
import type { Store } from '../store/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { addFilterOptions, filterFromOptions } from './filter-options.ts';
import { formatDuration } from './format.ts';
import { Progress } from './progress.ts';

const percent = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${name} must be a number from 0 to 100`);
  return n;
};
const pageNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number ≥ 1`);
  return n;
};

/** caseflow map | variants | cases | bottlenecks | handovers | conformance, and import eventlog. */
export function registerMiningCommands(
  program: Command,
  cli: CliContext,
  importCommand: Command,
  prepareMining: (store: Store, dataset: string, verbose: boolean) => Promise<void>,
): void {
  const langOption = () =>
    new Option('--lang <lang>', 'language of activity names').choices(['en', 'fr']).default('en');

  addFilterOptions(
    program
      .command('map')
      .description('process map (directly-follows graph) of the filtered cases')
      .option(
        '--activities <pct>',
        '% of activities kept (most frequent first)',
        percent('--activities'),
        100,
      )
      .option('--paths <pct>', '% of paths kept', percent('--paths'), 100)
      .addOption(langOption())
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const map = await cli.withStore((store) =>
      processMap(store, filter, { activities: opts.activities, paths: opts.paths }),
    );
    const l = activityDisplay(filter.dataset, opts.lang);
    cli.print(Boolean(opts.json), map, () =>
      [
        `${map.cases} cases, ${map.events} events; ${map.activities.length} activities, ${map.edges.length} paths shown (${map.hidden.activities} activities, ${map.hidden.edges} paths hidden).`,
        '',
        ...map.edges
          .slice()
          .sort((a, b) => b.count - a.count)
          .map(
            (e) =>
              `${String(e.count).padStart(8)}  ${formatDuration(e.meanSeconds).padStart(8)}  ${l(e.from)} → ${l(e.to)}`,
          ),
      ].join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('variants')
      .description('activity sequences of the filtered cases, most frequent first')
      .option('--page <n>', 'page', pageNumber('--page'), 1)
      .option('--page-size <n>', 'variants per page', pageNumber('--page-size'), 20)
      .addOption(langOption())
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const result = await cli.withStore((store) =>
      variants(store, filter, { page: opts.page, pageSize: opts.pageSize }),
    );
    const l = activityDisplay(filter.dataset, opts.lang);
    cli.print(Boolean(opts.json), result, () =>
      [
        `${result.total} variants over ${result.cases} cases.`,
        ...result.items.map(
          (v) =>
            `${String(v.cases).padStart(7)} ${(100 * v.share).toFixed(1).padStart(5)} %  median ${formatDuration(v.medianDuration).padStart(8)}  ${v.variant}  ${v.activities.map(l).join(' → ')}`,
        ),
      ].join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('cases')
      .description('the filtered cases, paged and sorted')
      .option('--page <n>', 'page', pageNumber('--page'), 1)
      .option('--page-size <n>', 'cases per page', pageNumber('--page-size'), 20)
      .addOption(new Option('--sort <key>', 'sort order').choices(CASE_SORTS).default('start'))
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const result = await cli.withStore((store) =>
      listCases(store, filter, { page: opts.page, pageSize: opts.pageSize, sort: opts.sort as CaseSort }),
    );
    cli.print(Boolean(opts.json), result, () =>
      [
        `${result.total} cases.`,
        ...result.items.map(
          (c) =>
            `${c.id}  ${c.start}  ${formatDuration(c.duration).padStart(8)}  ${String(c.events).padStart(4)} events`,
        ),
      ].join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('bottlenecks')
      .description('waiting time by activity and transition; SLA breaches')
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const result = await cli.withStore((store) => bottlenecks(store, filter));
    cli.print(Boolean(opts.json), result, () =>
      result.transitions
        .slice(0, 20)
        .map(
          (t) =>
            `${formatDuration(t.totalSeconds).padStart(10)} total  ${formatDuration(t.meanSeconds).padStart(8)} mean  ${t.from} → ${t.to}`,
        )
        .join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('handovers')
      .description('transfer matrix between agents or queues')
      .addOption(new Option('--kind <kind>', 'agent or queue').choices(['agent', 'queue']).default('agent'))
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const result = await cli.withStore((store) => handovers(store, filter, opts.kind));
    cli.print(Boolean(opts.json), result, () =>
      result.cells
        .slice()
        .sort((a, b) => b.count - a.count)
        .map(
          (c) =>
            `${String(c.count).padStart(6)}  ${formatDuration(c.meanDelay).padStart(8)}  ${c.from} → ${c.to}`,
        )
        .join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('conformance')
      .description('cases checked against the designed flow in the configuration (mining.designedFlow)')
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const config = cli.config();
    const result = await cli.withStore((store) =>
      conformance(store, filter, designedFlowsFor(config.mining, filter.dataset)),
    );
    cli.print(Boolean(opts.json), result, () =>
      [
        `${result.fitting} of ${result.cases} cases fit (${(100 * result.share).toFixed(1)} %).`,
        ...result.deviations
          .slice(0, 20)
          .map((d) => `${String(d.cases).padStart(7)}  ${d.kind}  ${d.detail}`),
      ].join('\n'),
    );
  });

  addFilterOptions(
    program
      .command('overview')
      .description('KPI tiles against the previous period of equal length, daily trend, breakdowns')
      .option('--json', 'print as JSON'),
  ).action(async (opts) => {
    const filter = filterFromOptions(opts);
    const timeZone = cli.config().organization.timeZone;
    const result = await cli.withStore((store) => overview(store, filter, timeZone));
    const show = (key: string, v: number | null) =>
      v === null
        ? '—'
        : key.endsWith('Pct')
          ? `${v.toFixed(1)} %`
          : key === 'medianResolution' || key === 'aht'
            ? formatDuration(v)
            : String(v);
    cli.print(Boolean(opts.json), result, () =>
      [
        `Period ${result.period.from} → ${result.period.to} (previous: ${result.previous.from} → ${result.previous.to}), ${timeZone}`,
        ...result.tiles.map(
          (t) =>
            `${t.key.padEnd(18)} ${show(t.key, t.value).padStart(10)}   previous ${show(t.key, t.previous)}`,
        ),
      ].join('\n'),
    );
  });

  program
    .command('datasets')
    .description('the event logs process mining can read')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await cli.withStore((store) => datasets(store));
      cli.print(Boolean(opts.json), result, () =>
        result.items
          .map(
            (d) =>
              `${d.name.padEnd(24)} ${d.format.padEnd(8)} ${String(d.events).padStart(10)} events ${String(d.cases).padStart(9)} cases  ${d.source ?? ''}`,
          )
          .join('\n'),
      );
    });

  program
    .command('case')
    .description("one case's timeline and attributes")
    .argument('<id>', 'case id (ServiceRequest for the Genesys log)')
    .option('--dataset <name>', 'event log', 'default')
    .addOption(langOption())
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { dataset: string; lang: Lang; json?: boolean }) => {
      const detail = await cli.withStore(async (store) => {
        await assertDataset(store, opts.dataset);
        return caseDetail(store, opts.dataset, id, FULL_SCOPE);
      });
      if (!detail) throw new UsageError(`no case ${id} in dataset ${opts.dataset}`);
      const l = activityDisplay(opts.dataset, opts.lang);
      cli.print(Boolean(opts.json), detail, () =>
        [
          `${detail.id}: ${detail.start} → ${detail.end} (${formatDuration(detail.duration)}), ${detail.events.length} events`,
          ...Object.entries(detail.attributes).map(([k, v]) => `  ${k}: ${v ?? '—'}`),
          ...detail.events.map((e) => `  ${e.EventTime}  ${l(e.ActivityName)}`),
        ].join('\n'),
      );
    });

  importCommand
    .command('eventlog')
    .description('import any process event log (CSV or XES) as a separate dataset')
    .argument('<file>', 'CSV or XES file (.gz accepted)')
    .addOption(new Option('--format <format>', 'file format').choices(EVENTLOG_FORMATS).makeOptionMandatory())
    .option('--dataset <name>', 'dataset name (default: the file name)')
    .option('--case <column>', 'CSV column of the case id')
    .option('--activity <column>', 'CSV column of the activity')
    .option('--timestamp <column>', 'CSV column of the (start) time')
    .option('--end-timestamp <column>', 'CSV column of the end time')
    .option('--resource <column>', 'CSV column of the resource')
    .option('--delimiter <char>', 'CSV delimiter (default: detected)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts) => {
      const progress = new Progress('Importing', !opts.json, ' MB');
      const summary = await cli.withStore(async (store) => {
        try {
          const result = await importEventLog(store, file, {
            format: opts.format as EventLogFormat,
            dataset: opts.dataset,
            case: opts.case,
            activity: opts.activity,
            timestamp: opts.timestamp,
            endTimestamp: opts.endTimestamp,
            resource: opts.resource,
            delimiter: opts.delimiter,
            onProgress: (read, total) =>
              progress.update(Math.round(read / 1e5) / 10, Math.round(total / 1e5) / 10),
          });
          progress.stop();
          if (result.events > 0) await prepareMining(store, result.dataset, !opts.json);
          return result;
        } finally {
          progress.stop();
        }
      });
      cli.print(Boolean(opts.json), summary, () =>
        [
          `Dataset "${summary.dataset}": ${summary.events} events in ${summary.cases} cases, ${summary.rejected} rejected.`,
          ...summary.firstRejections.map(
            (r) => `  rejected ${r.file}${r.line ? `:${r.line}` : ''}: ${r.reason}`,
          ),
          summary.quarantineFile ? `Rejected records and reasons: ${summary.quarantineFile}` : '',
          `Use it with --dataset ${summary.dataset} (CLI) or ?dataset=${summary.dataset} (API).`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
      if (summary.events === 0) throw new UsageError(`no valid event found in ${file}`);
    });
}
