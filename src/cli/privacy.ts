import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { type ErasureReport, eraseCustomer } from '../privacy/index.ts';
import { openOperationalStore } from '../store/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';

/** The audit log's actor of a command: the OS user who ran it. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? 'unknown'}`;
  }
}

async function confirm(identifiers: readonly string[]): Promise<void> {
  if (!process.stdin.isTTY) {
    throw new UsageError('erasing cannot be undone: add --yes to confirm (no terminal to ask on)');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Erase every stored data of the customer ${identifiers.join(', ')}? This cannot be undone. [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('not confirmed: nothing was erased');
  } finally {
    rl.close();
  }
}

export function erasureText(report: ErasureReport): string {
  const rows: [string, string][] = [
    ...Object.entries(report.analytics).map(([table, n]): [string, string] => [table, String(n)]),
    ...Object.entries(report.operational).map(([table, n]): [string, string] => [table, String(n)]),
    ['export files', String(report.exports.files)],
    ['quarantine records', String(report.quarantine.records)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const head =
    report.total === 0
      ? `Nothing stored of the customer ${report.target}: nothing erased.`
      : `Erased the customer ${report.target}: ${report.conversations} conversation(s), ${report.total} row(s) and file(s) in all.`;
  return [
    head,
    ...rows.map(([name, n]) => `  ${name.padEnd(width)}  ${n}`),
    ...(report.exports.ids.length
      ? [`Exports whose files were deleted: ${report.exports.ids.join(', ')}`]
      : []),
    'Written to the audit log (action privacy.erase). Data still held by a source comes back with its next import or sync: erase it there too.',
  ].join('\n');
}

/**
 * caseflow customers erase <identifier...>: one customer's data out of the analytics and operational stores
 * and the export files (src/privacy/erase.ts). Both stores are opened: on PGlite, stop the server first or
 * use DELETE /api/v1/customers/:id.
 */
export function registerPrivacyCommands(program: Command, cli: CliContext): void {
  program
    .command('customers')
    .description('customer data (GDPR)')
    .command('erase')
    .description(
      "erase one customer's data everywhere: conversations, messages, surveys, cases and events, journey events, workflow runs, export files holding them; audited (the identifier hashed, never in clear). Cannot be undone",
    )
    .argument(
      '<identifier...>',
      'phone number, e-mail or messaging address, external contact id, identifier key (phone:…, email:…, contact:…) or pseudonym; several: the same customer',
    )
    .option('--yes', 'erase without asking for confirmation')
    .option('--json', 'print the report as JSON')
    .action(async (identifiers: string[], opts: { yes?: boolean; json?: boolean }) => {
      if (!opts.yes) await confirm(identifiers);
      const config = cli.config();
      const report = await cli.withStore(async (store) => {
        const operational = await openOperationalStore({
          dataDir: cli.dataDir,
          databaseUrl: process.env.DATABASE_URL,
        });
        try {
          return await eraseCustomer({
            store,
            operational: operational.db,
            config,
            identifiers,
            actor: cliActor(),
          });
        } finally {
          await operational.close();
        }
      });
      cli.print(Boolean(opts.json), report, () => erasureText(report));
    });
}
