import type { Command } from 'commander';
import { type SyncSummary, syncGenesys } from '../sources/genesys/index.ts';
import { locate } from '../sources/records.ts';
import { parseDateOrDateTime, type Store } from '../store/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { Progress } from './progress.ts';

const instant = (name: string) => (value: string) => {
  const t = parseDateOrDateTime(value);
  if (Number.isNaN(t)) throw new UsageError(`--${name}: "${value}" is not an ISO-8601 date or date-time`);
  return new Date(t);
};

/** caseflow sync genesys: pull conversation details from the Genesys Cloud API. */
export function registerSyncCommands(
  program: Command,
  cli: CliContext,
  prepareMining: (store: Store, dataset: string, verbose: boolean) => Promise<void>,
): void {
  const sync = program.command('sync').description('pull data from a source system API');
  sync
    .command('genesys')
    .description(
      'pull conversation details, the messages of messaging conversations, users (with their groups), queues, wrap-up codes, divisions and groups from Genesys Cloud (sources.genesys in the config; OAuth client from CASEFLOW_GENESYS_CLIENT_ID / CASEFLOW_GENESYS_CLIENT_SECRET). Without --from: since the watermark minus the look-back. An interrupted run is continued.',
    )
    .option('--from <iso>', 'start of the conversation-start range (UTC date or date-time)', instant('from'))
    .option('--to <iso>', 'end of the range (default: now)', instant('to'))
    .option('--dry-run', 'read everything and report what would change, writing nothing')
    .option('--restart', 'drop an interrupted run instead of continuing it (what it committed stays)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { from?: Date; to?: Date; dryRun?: boolean; restart?: boolean; json?: boolean }) => {
      const config = cli.config();
      const summary = await cli.withStore(async (store) => {
        const progress = new Progress(
          opts.dryRun ? 'Reading (dry run)' : 'Syncing',
          !opts.json,
          ' intervals',
        );
        try {
          const result = await syncGenesys(store, config, {
            from: opts.from,
            to: opts.to,
            dryRun: opts.dryRun,
            restart: opts.restart,
            trigger: 'cli',
            onProgress: (p) =>
              progress.update(p.intervalsDone, p.intervalsTotal, {
                detail: `${p.phase}: ${p.pages} pages, ${p.conversations} conversations`,
              }),
            onRetry: (r) => {
              process.stderr.write(
                `\ncaseflow: ${r.method} ${r.path}: ${r.reason}; retrying in ${(r.delayMs / 1000).toFixed(1)} s (attempt ${r.attempt + 1} of ${r.maxAttempts})\n`,
              );
            },
          });
          progress.stop();
          if (!opts.dryRun) await prepareMining(store, 'default', !opts.json);
          return result;
        } finally {
          progress.stop();
        }
      });
      cli.print(opts.json ?? false, summary, () => syncText(summary));
    });
}

function syncText(s: SyncSummary): string {
  const d = s.directory;
  const lines = [
    `${s.dryRun ? 'Dry run, nothing written: ' : ''}${s.resumed ? 'continued an interrupted run; ' : ''}${s.organization.name || s.organization.id}, conversations started ${s.from} → ${s.to}`,
    `  ${s.intervals.jobs} details job interval(s), ${s.intervals.queries} details query interval(s), ${s.pages} pages${s.retries ? `, ${s.retries} retried request(s)` : ''}`,
    `  directory: ${d.users} users, ${d.queues} queues, ${d.wrapUpCodes} wrap-up codes, ${d.divisions} divisions, ${d.groups ?? 0} groups`,
    `  conversations: ${s.conversations} read, ${s.added} ${s.dryRun ? 'would be ' : ''}new, ${s.updated} ${s.dryRun ? 'would be ' : ''}updated, ${s.unchanged} unchanged, ${s.olderVersions} older versions skipped, ${s.rejected} rejected`,
  ];
  if (s.surveys) lines.push(`  surveys: ${s.surveys}`);
  const m = s.messages;
  if (m.conversations || m.notFound) {
    lines.push(
      `  messages: ${m.messages} of ${m.conversations} messaging conversation(s)${m.notFound ? `; ${m.notFound} conversation(s) no longer kept by Genesys (404), their stored messages kept` : ''}${m.skipped ? `; ${m.skipped} unreadable item(s) skipped` : ''}`,
    );
  }
  const e = s.emails;
  if (e.conversations || e.notFound || e.forbidden) {
    lines.push(
      `  e-mails: ${e.messages} message(s) of ${e.conversations} e-mail conversation(s)${e.notFound ? `; ${e.notFound} no longer kept by Genesys (404)` : ''}${e.forbidden ? `; ${e.forbidden} refused (403: see the README on permissions)` : ''}${e.skipped ? `; ${e.skipped} unreadable message(s) skipped` : ''}`,
    );
  }
  if (!s.dryRun) lines.push(`Event log now holds ${s.events} events in ${s.cases} service requests.`);
  if (s.watermark) lines.push(`Watermark: ${s.watermark} (the next run starts from it minus the look-back).`);
  for (const r of s.firstRejections) {
    lines.push(`  rejected ${locate(r)}${r.conversationId ? ` (${r.conversationId})` : ''}: ${r.reason}`);
  }
  if (s.quarantineFile) lines.push(`Rejected records and reasons: ${s.quarantineFile}`);
  return lines.join('\n');
}
