import { type Command, Option } from 'commander';
import {
  CONVERSATION_FIELDS,
  INPUT_FORMATS,
  importConversations,
  importMessages,
  MESSAGE_FIELDS,
  type SupportImportKind,
  type SupportImportSummary,
} from '../sources/conversations/index.ts';
import { locate } from '../sources/records.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';
import { Progress } from './progress.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** caseflow import conversations | messages: support data from CSV or JSON files. */
export function registerSupportCommands(importCommand: Command, cli: CliContext): void {
  for (const kind of ['conversations', 'messages'] as const) {
    const fields = (kind === 'conversations' ? CONVERSATION_FIELDS : MESSAGE_FIELDS).map((f) => f.name);
    importCommand
      .command(kind)
      .description(
        kind === 'conversations'
          ? 'import support conversations (CSV or JSON: array or NDJSON; .gz accepted): one row per conversation, replaced by id'
          : 'import support messages (CSV or JSON: array or NDJSON; .gz accepted): one row per message, replaced by id',
      )
      .argument('<file>', 'CSV or JSON file')
      .option(
        '--map <column=field...>',
        `the column that holds a field (repeatable); fields: ${fields.join(', ')}`,
        (value: string, previous: string[]) => collect(value, previous),
      )
      .option('--source <name>', 'source system stamped on the rows', 'import')
      .addOption(
        new Option('--format <format>', 'file format (default: by extension)').choices(INPUT_FORMATS),
      )
      .option('--delimiter <char>', 'CSV delimiter (default: detected)')
      .option('--time-zone <tz>', 'time zone of times without an offset (default UTC)')
      .option('--json', 'print the summary as JSON')
      .action(async (file: string, opts) => {
        const progress = new Progress('Importing', !opts.json, ' MB');
        const run = kind === 'conversations' ? importConversations : importMessages;
        const summary = await cli.withStore(async (store) => {
          try {
            return await run(store, file, {
              map: opts.map ?? [],
              source: opts.source,
              format: opts.format,
              delimiter: opts.delimiter,
              timeZone: opts.timeZone,
              privacy: cli.config().privacy,
              onProgress: (read, total) =>
                progress.update(Math.round(read / 1e5) / 10, Math.round(total / 1e5) / 10),
            });
          } finally {
            progress.stop();
          }
        });
        cli.print(Boolean(opts.json), summary, () => supportImportText(summary));
        if (summary.rows === 0) throw new UsageError(`no valid ${singular(kind)} row found in ${file}`);
      });
  }
}

const singular = (kind: SupportImportKind): string => (kind === 'conversations' ? 'conversation' : 'message');

export function supportImportText(s: SupportImportSummary): string {
  const lines = [
    `Imported ${s.rows} ${singular(s.kind)} row(s) from ${s.file} (${s.format}${s.delimiter ? `, delimiter ${JSON.stringify(s.delimiter)}` : ''}): ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected${s.duplicates ? `; ${s.duplicates} repeated id(s), the last row kept` : ''}.`,
    `Support data now holds ${s.total} ${s.kind}.`,
    `Columns: ${Object.entries(s.columns)
      .map(([field, column]) => `${field} ← ${JSON.stringify(column)}`)
      .join(', ')}`,
  ];
  if (s.ignoredColumns.length)
    lines.push(`Ignored columns: ${s.ignoredColumns.map((c) => JSON.stringify(c)).join(', ')}`);
  for (const r of s.firstRejections) lines.push(`  rejected ${locate(r)}: ${r.reason}`);
  if (s.rejected > s.firstRejections.length)
    lines.push(`  … and ${s.rejected - s.firstRejections.length} more`);
  if (s.quarantineFile) lines.push(`Rejected rows and reasons: ${s.quarantineFile}`);
  return lines.join('\n');
}
