import { type Command, Option } from 'commander';
import { z } from 'zod';
import { FULL_SCOPE } from '../access/index.ts';
import {
  type AgentPerformance,
  ANOMALY_FILTERS,
  agentPerformance,
  agentPerformanceCsv,
  assertPeriod,
  INTERVALS,
  type InboundMessages,
  inboundMessages,
  inboundMessagesCsv,
  intervalSchema,
  LEADERBOARD_GROUPS,
  LEADERBOARD_METRICS,
  type Leaderboard,
  leaderboard,
  leaderboardCsv,
  type OpenedByContactType,
  type OpenedHeatmap,
  type OutboundBySource,
  openedByContactType,
  openedByContactTypeCsv,
  openedHeatmap,
  openedHeatmapCsv,
  outboundBySource,
  outboundBySourceCsv,
  type ReportContext,
  type ReportLang,
  type ResolvedConversations,
  reportContext,
  reportFilterSchema,
  resolvedConversations,
  resolvedConversationsCsv,
} from '../reports/index.ts';
import type { Store } from '../store/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { formatDuration } from './format.ts';

/** The command's names of the reports (the API's names are longer). */
export const REPORT_COMMANDS = [
  'heatmap',
  'contact-types',
  'inbound-messages',
  'leaderboard',
  'agents',
  'resolved',
  'outbound',
] as const;
type ReportCommand = (typeof REPORT_COMMANDS)[number];

const optionsSchema = reportFilterSchema.extend({
  interval: intervalSchema,
  metric: z.enum(LEADERBOARD_METRICS).default('first-response'),
  groupBy: z.enum(LEADERBOARD_GROUPS).default('team'),
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  anomalies: z.enum(ANOMALY_FILTERS).default('all'),
});
type Options = z.output<typeof optionsSchema>;

/** A report's result with its text and CSV forms. */
interface Rendered {
  value: unknown;
  text: () => string;
  csv: (lang: ReportLang) => string;
}

/** caseflow report <name>: the support reports (README "Reports") as tables, JSON or CSV. */
export function registerReportCommands(program: Command, cli: CliContext): void {
  program
    .command('report')
    .description(
      'support reports: heatmap, contact-types, inbound-messages, leaderboard, agents, resolved, outbound',
    )
    .addArgument(
      program.createArgument('<report>', 'which report').choices(REPORT_COMMANDS as unknown as string[]),
    )
    .option('--from <date>', 'from this date/time (ISO-8601; a bare date is a UTC day), inclusive')
    .option('--to <date>', 'to this date/time, exclusive')
    .option('--team <list>', 'team names, comma-separated')
    .option('--agent <list>', 'agent ids (or names), comma-separated')
    .option('--channel <list>', 'channels, comma-separated')
    .option('--business-hours', 'first-response and resolution times count only opening hours')
    .addOption(new Option('--interval <interval>', 'period of the rows').choices(INTERVALS).default('day'))
    .addOption(
      new Option('--metric <metric>', 'leaderboard metric')
        .choices(LEADERBOARD_METRICS)
        .default('first-response'),
    )
    .addOption(new Option('--group-by <group>', 'leaderboard by').choices(LEADERBOARD_GROUPS).default('team'))
    .option('--limit <n>', 'leaderboard rows', '10')
    .option('--page <n>', 'resolved conversations: page', '1')
    .option('--page-size <n>', 'resolved conversations: rows per page', '50')
    .addOption(
      new Option('--anomalies <which>', 'resolved conversations: all, or only the flagged ones')
        .choices(ANOMALY_FILTERS)
        .default('all'),
    )
    .addOption(new Option('--lang <lang>', 'language of the CSV headers').choices(['en', 'fr']).default('en'))
    .option('--json', 'print as JSON')
    .option('--csv', 'print the rows as CSV')
    .action(async (name: ReportCommand, opts: Record<string, unknown>) => {
      const options = parseOptions(opts);
      const ctx = reportContext(cli.config(), FULL_SCOPE);
      const rendered = await cli.withStore((store) => run(store, ctx, name, options));
      if (opts.csv) process.stdout.write(rendered.csv(options.lang));
      else cli.print(Boolean(opts.json), rendered.value, rendered.text);
    });
}

function parseOptions(opts: Record<string, unknown>): Options {
  const result = optionsSchema.safeParse({
    from: opts.from,
    to: opts.to,
    team: opts.team,
    agent: opts.agent,
    channel: opts.channel,
    businessHours: opts.businessHours === true,
    lang: opts.lang,
    interval: opts.interval,
    metric: opts.metric,
    groupBy: opts.groupBy,
    limit: opts.limit,
    page: opts.page,
    pageSize: opts.pageSize,
    anomalies: opts.anomalies,
  });
  if (result.success) {
    try {
      assertPeriod(result.data);
    } catch (error) {
      throw new UsageError(`--${(error as Error).message}`);
    }
    return result.data;
  }
  const issue = result.error.issues[0];
  const option = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new UsageError(`--${option}: ${issue?.message}`);
}

async function run(store: Store, ctx: ReportContext, name: ReportCommand, o: Options): Promise<Rendered> {
  try {
    switch (name) {
      case 'heatmap': {
        const r = await openedHeatmap(store, ctx, o);
        return { value: r, text: () => heatmapText(r), csv: (l) => openedHeatmapCsv(r, l) };
      }
      case 'contact-types': {
        const r = await openedByContactType(store, ctx, o, o.interval);
        return { value: r, text: () => contactTypesText(r), csv: (l) => openedByContactTypeCsv(r, l) };
      }
      case 'inbound-messages': {
        const r = await inboundMessages(store, ctx, o, o.interval);
        return { value: r, text: () => inboundText(r), csv: (l) => inboundMessagesCsv(r, l) };
      }
      case 'leaderboard': {
        const r = await leaderboard(store, ctx, o, { metric: o.metric, groupBy: o.groupBy, limit: o.limit });
        return { value: r, text: () => leaderboardText(r), csv: (l) => leaderboardCsv(r, l) };
      }
      case 'agents': {
        const r = await agentPerformance(store, ctx, o);
        return { value: r, text: () => agentsText(r), csv: (l) => agentPerformanceCsv(r, l) };
      }
      case 'resolved': {
        const r = await resolvedConversations(store, ctx, o, {
          page: o.page,
          pageSize: o.pageSize,
          anomalies: o.anomalies,
        });
        return { value: r, text: () => resolvedText(r), csv: (l) => resolvedConversationsCsv(r, l) };
      }
      case 'outbound': {
        const r = await outboundBySource(store, ctx, o, o.interval);
        return { value: r, text: () => outboundText(r), csv: (l) => outboundBySourceCsv(r, l) };
      }
    }
  } catch (error) {
    // A range the periods cannot hold: a usage error like a bad option.
    if (error instanceof RangeError) throw new UsageError(`--${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/** Columns padded to their widest cell; the first left-aligned unless said, the others right-aligned. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 1,
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const dur = (s: number | null): string => (s === null ? '—' : formatDuration(s));
const num = (v: number | null, digits = 2): string => (v === null ? '—' : v.toFixed(digits));
const none = (rows: readonly unknown[], text: string): string =>
  rows.length ? text : 'No data for this selection.';

function heatmapText(r: OpenedHeatmap): string {
  const grid = WEEKDAY_NAMES.map((day, w) => [
    day,
    ...Array.from({ length: 24 }, (_, h) =>
      String(r.cells.find((c) => c.weekday === w && c.hour === h)?.count ?? 0),
    ),
  ]);
  const header = ['', ...Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))];
  return `${r.total} conversations opened, by weekday and hour (${r.timeZone})\n\n${table(header, grid)}`;
}

function contactTypesText(r: OpenedByContactType): string {
  return none(
    r.rows,
    `Conversations opened by contact type, per ${r.interval} (${r.timeZone})\n\n${table(
      ['Period', 'New', 'Returning', 'Total'],
      r.rows.map((x) => [x.period, String(x.new), String(x.returning), String(x.new + x.returning)]),
    )}`,
  );
}

function inboundText(r: InboundMessages): string {
  const periods = [...new Set(r.rows.map((x) => x.period))];
  const count = new Map(r.rows.map((x) => [`${x.period}\t${x.channel}`, x.count]));
  return none(
    r.rows,
    `Inbound messages by channel, per ${r.interval} (${r.timeZone})\n\n${table(
      ['Period', ...r.channels],
      periods.map((p) => [p, ...r.channels.map((c) => String(count.get(`${p}\t${c}`) ?? 0))]),
    )}`,
  );
}

function leaderboardText(r: Leaderboard): string {
  const what = r.metric === 'first-response' ? 'first response time' : 'resolution time';
  return none(
    r.rows,
    `Average ${what} by ${r.groupBy}${r.businessHours ? ' (business hours)' : ''}, best first\n\n${table(
      ['#', r.groupBy === 'team' ? 'Team' : 'Agent', 'Average', 'Conversations'],
      r.rows.map((x, i) => [String(i + 1), x.name, dur(x.averageSeconds), String(x.conversations)]),
      2,
    )}`,
  );
}

function agentsText(r: AgentPerformance): string {
  return none(
    r.rows,
    table(
      ['Agent', 'Team', 'Closed', 'Messages', 'First resp.', 'Resolution', 'Handle', 'Transfers', 'CSAT'],
      r.rows.map((x) => [
        x.agentName,
        x.team ?? '—',
        String(x.conversationsClosed),
        String(x.messagesSent),
        dur(x.avgFirstResponseSeconds),
        dur(x.avgResolutionSeconds),
        dur(x.avgHandleSeconds),
        String(x.transfers),
        num(x.csat),
      ]),
      2,
    ),
  );
}

function resolvedText(r: ResolvedConversations): string {
  const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
  const thresholds = r.thresholds.map(
    (t) =>
      `  ${t.channel}: ${t.resolutionSeconds === null ? 'fewer than 20 conversations, no flag' : `resolution > ${dur(t.resolutionSeconds)}, messages > ${num(t.messages, 1)}`}`,
  );
  const rows = r.rows.map((x) => [
    x.conversationId,
    x.channel ?? '—',
    x.resolvedAt,
    x.resolver ?? '—',
    String(x.messages),
    dur(x.resolutionSeconds),
    x.flags.join(' '),
    (x.summary ?? '').replace(/\s+/g, ' ').slice(0, 60),
  ]);
  return [
    `${r.total} resolved conversations (page ${r.page} of ${pages})`,
    '',
    r.rule,
    ...thresholds,
    '',
    none(
      r.rows,
      table(
        ['Conversation', 'Channel', 'Resolved at', 'Resolver', 'Messages', 'Resolution', 'Flags', 'Summary'],
        rows,
        4,
      ),
    ),
  ].join('\n');
}

function outboundText(r: OutboundBySource): string {
  const periods = [...new Set(r.rows.map((x) => x.period))];
  const sources = ['agent', 'workflow', 'broadcast', 'api'] as const;
  const count = new Map(r.rows.map((x) => [`${x.period}\t${x.source}`, x.count]));
  return none(
    r.rows,
    `Outbound messages by source, per ${r.interval} (${r.timeZone})\n\n${table(
      ['Period', ...sources],
      periods.map((p) => [p, ...sources.map((s) => String(count.get(`${p}\t${s}`) ?? 0))]),
    )}`,
  );
}
