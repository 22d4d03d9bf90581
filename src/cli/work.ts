import { type Command, InvalidArgumentError, Option } from 'commander';
import { systemActor } from '../work/actor.ts';
import {
  CALLBACK_STATUSES,
  type CallbackMessage,
  type CallbackStatus,
  listCallbacks,
  replayCallback,
} from '../work/callback-log.ts';
import { WorkConflictError, WorkNotFoundError } from '../work/errors.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';

/**
 * caseflow work callbacks [--status] | work replay <id>: the calls back to source systems and the manual
 * replay of a dead or delivered one (the server delivers it at its next look at the outbox). They open the
 * operational store (PGlite in the data directory, or DATABASE_URL); on PGlite a running server holds the
 * database: use the API then (/api/v1/work/callbacks).
 */

const CLI_ACTOR = systemActor('cli');

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

export function callbacksText(callbacks: readonly CallbackMessage[]): string {
  if (callbacks.length === 0) return 'No callback.';
  const rows = [
    ['ID', 'EVENT ID', 'ACTION', 'STATUS', 'ATTEMPTS', 'CREATED', 'NEXT ATTEMPT', 'LAST ERROR'],
    ...callbacks.map((c) => [
      String(c.id),
      c.eventId,
      c.action ?? '',
      c.status,
      String(c.attempts),
      c.createdAt,
      c.nextAttemptAt ?? '',
      (c.lastError ?? '').replace(/\s+/g, ' ').slice(0, 80),
    ]),
  ];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function registerWorkCommands(program: Command, cli: CliContext): void {
  const work =
    program.commands.find((c) => c.name() === 'work') ??
    program.command('work').description('work automation');

  work
    .command('callbacks')
    .description('calls back to source systems, newest first')
    .addOption(new Option('--status <status>', 'only callbacks in this state').choices(CALLBACK_STATUSES))
    .option('--limit <n>', 'at most this many', positive('--limit'), 100)
    .option('--json', 'print as JSON')
    .action(async (opts: { status?: CallbackStatus; limit: number; json?: boolean }) => {
      const callbacks = await cli.withOperational((db) =>
        listCallbacks(db, CLI_ACTOR, { status: opts.status, limit: opts.limit }),
      );
      cli.print(Boolean(opts.json), callbacks, () => callbacksText(callbacks));
    });

  work
    .command('replay')
    .description('send a dead or delivered callback again (same event id; the server delivers it)')
    .argument('<id>', 'callback id (caseflow work callbacks)', positive('the callback id'))
    .option('--json', 'print the callback as JSON')
    .action(async (id: number, opts: { json?: boolean }) => {
      const callback = await cli.withOperational(async (db) => {
        try {
          return await replayCallback(db, id, CLI_ACTOR, new Date());
        } catch (error) {
          if (error instanceof WorkNotFoundError || error instanceof WorkConflictError)
            throw new UsageError(error.message);
          throw error;
        }
      });
      cli.print(
        Boolean(opts.json),
        callback,
        () => `Callback ${callback.id} (${callback.eventId}) queued again; the server delivers it shortly.`,
      );
    });
}
