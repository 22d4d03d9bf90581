import { type Command, Option } from 'commander';
import { FULL_SCOPE } from '../access/index.ts';
import { type Filter, filterSchema } from '../mining/index.ts';
import { UsageError } from './errors.ts';

/** The shared mining filter as CLI options (same names as the API's query parameters, kebab-cased). */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--dataset <name>', 'event log to read (default: the Genesys-derived log)', 'default')
    .option('--from <date>', 'from this date/time (ISO-8601, UTC, inclusive)')
    .option('--to <date>', 'to this date/time (ISO-8601, UTC, exclusive)')
    .addOption(
      new Option('--date-mode <mode>', 'start: cases starting in the range; any: with an event in it')
        .choices(['start', 'any'])
        .default('start'),
    )
    .option('--media-type <list>', 'channels, comma-separated (voice,chat,…)')
    .option('--queue <list>', 'queue names, comma-separated')
    .option('--request-type <list>', 'request types, comma-separated')
    .option('--agent <list>', 'agent names, comma-separated')
    .option('--variant <list>', 'variant ids, comma-separated')
    .option('--sla-compliant <bool>', 'true or false')
    .option('--reopened <bool>', 'true or false')
    .option('--fcr <bool>', 'true or false')
    .option('--min-duration <seconds>', 'minimum case duration')
    .option('--max-duration <seconds>', 'maximum case duration')
    .option('--activity <list>', 'cases containing all these activities')
    .option('--follows <list>', 'cases where X is directly followed by Y: "X>Y"');
}

/** Validates the filter options; a bad value is a usage error naming the option. */
export function filterFromOptions(opts: Record<string, unknown>): Filter {
  const result = filterSchema.safeParse({
    dataset: opts.dataset,
    from: opts.from,
    to: opts.to,
    dateMode: opts.dateMode,
    mediaType: opts.mediaType,
    queue: opts.queue,
    requestType: opts.requestType,
    agent: opts.agent,
    variant: opts.variant,
    slaCompliant: opts.slaCompliant,
    reopened: opts.reopened,
    fcr: opts.fcr,
    minDuration: opts.minDuration,
    maxDuration: opts.maxDuration,
    activity: opts.activity,
    follows: opts.follows,
  });
  // The CLI is run by whoever owns the data directory: every division, unmasked.
  if (result.success) return { ...result.data, scope: FULL_SCOPE };
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new UsageError(`--${name}: ${issue?.message}`);
}
