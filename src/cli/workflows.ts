import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  getWorkflow,
  listRuns,
  listWorkflows,
  NotFoundError,
  RUN_STATUSES,
  type Run,
  rerunRun,
  type Workflow,
} from '../workflows/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';

/**
 * caseflow workflows list | runs <id> [--status] | rerun <runId>. They read and write the operational
 * store (PGlite in the data directory, or DATABASE_URL). On PGlite a running server holds the database:
 * use the API then (/api/v1/workflows).
 */

const id = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function workflowsText(workflows: readonly Workflow[]): string {
  if (workflows.length === 0)
    return 'No workflow yet (create one in the dashboard or with POST /api/v1/workflows).';
  return table([
    ['ID', 'NAME', 'ENABLED', 'CONDITIONS', 'STEPS'],
    ...workflows.map((w) => [
      String(w.id),
      w.name,
      w.enabled ? 'yes' : 'no',
      String(w.conditions.length),
      w.steps.map((s) => s.type).join(' → '),
    ]),
  ]);
}

export function runsText(runs: readonly Run[]): string {
  if (runs.length === 0) return 'No run.';
  const lines = [
    table([
      ['RUN', 'CONVERSATION', 'STATUS', 'ATTEMPTS', 'CREATED', 'NEXT ATTEMPT', 'LAST ERROR'],
      ...runs.map((r) => [
        String(r.id),
        r.conversationId,
        r.status,
        String(r.attempts),
        r.createdAt,
        r.nextAttemptAt ?? '',
        (r.lastError ?? '').replace(/\s+/g, ' ').slice(0, 80),
      ]),
    ]),
  ];
  return lines.join('\n');
}

export function registerWorkflowCommands(program: Command, cli: CliContext): void {
  const workflows = program
    .command('workflows')
    .description('workflows on "conversation closed": list them, their runs, re-run a run');

  workflows
    .command('list')
    .description('list the workflows')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await cli.withOperational((db) => listWorkflows(db));
      cli.print(Boolean(opts.json), list, () => workflowsText(list));
    });

  workflows
    .command('runs')
    .description("a workflow's runs, newest first, with their delivery log (--json)")
    .argument('<id>', 'workflow id', id('the workflow id'))
    .addOption(new Option('--status <status>', 'only runs in this state').choices(RUN_STATUSES))
    .option('--limit <n>', 'at most this many runs', id('--limit'), 100)
    .option('--json', 'print as JSON (with each delivery attempt)')
    .action(async (workflowId: number, opts: { status?: Run['status']; limit: number; json?: boolean }) => {
      const runs = await cli.withOperational(async (db) => {
        if (!(await getWorkflow(db, workflowId))) throw new UsageError(`no workflow ${workflowId}`);
        return listRuns(db, workflowId, { status: opts.status, limit: opts.limit });
      });
      cli.print(Boolean(opts.json), runs, () => runsText(runs));
    });

  workflows
    .command('rerun')
    .description(
      'queue a run again: a dead one from its failed step, a delivered one from the start, a waiting one now (the server delivers it)',
    )
    .argument('<runId>', 'run id', id('the run id'))
    .option('--json', 'print the run as JSON')
    .action(async (runId: number, opts: { json?: boolean }) => {
      const run = await cli.withOperational(async (db) => {
        try {
          return await rerunRun(db, runId);
        } catch (error) {
          if (error instanceof NotFoundError) throw new UsageError(error.message);
          throw error;
        }
      });
      cli.print(
        Boolean(opts.json),
        run,
        () =>
          `Run ${run.id} (${run.key}) queued again; the server delivers it at its next look at the queue.`,
      );
    });
}
