import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  AccessError,
  AccessService,
  type Actor,
  DEV_PRINCIPAL,
  listAudit,
  type User,
} from '../access/index.ts';
import { generatePassword } from '../access/passwords.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './errors.ts';

/**
 * caseflow users create|list|update, caseflow tokens create|list|revoke, caseflow audit. They write the
 * operational store directly: run them while the server is stopped when the store is the embedded PGlite
 * (one process at a time); against a PostgreSQL server (DATABASE_URL) any time.
 */

const cliActor = (): Actor => ({ username: `cli:${userInfo().username}` });

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function withAccess<T>(cli: CliContext, work: (service: AccessService) => Promise<T>): Promise<T> {
  return cli.withOperational(async (db) => {
    try {
      return await work(new AccessService(db, cli.config().access));
    } catch (error) {
      if (error instanceof AccessError && error.status !== 429) throw new UsageError(error.message);
      throw error;
    }
  });
}

const divisionsOption = (values: string[] | undefined): string[] | 'all' | undefined =>
  values === undefined ? undefined : values.includes('all') ? 'all' : values;

function usersText(users: readonly User[]): string {
  if (users.length === 0) return 'No users. Create the first one: caseflow users create <name> --admin';
  return users
    .map((u) =>
      [
        u.username.padEnd(20),
        u.roles.join(',').padEnd(24),
        (u.divisions === 'all' ? 'all divisions' : u.divisions.join(',')).padEnd(24),
        u.disabled ? 'disabled' : (u.lastLoginAt ?? 'never signed in'),
      ].join('  '),
    )
    .join('\n');
}

export function registerUserCommands(program: Command, cli: CliContext): void {
  const users = program.command('users').description('users of the dashboard and the API (access control)');

  users
    .command('create')
    .description('create a user; without --password-stdin a one-time password is generated and printed once')
    .argument('<username>')
    .option('--admin', 'give the admin role (every permission, every division)')
    .option(
      '--role <role>',
      'a role (repeatable): admin, supervisor, analyst, agent or a custom one',
      collect,
    )
    .option('--division <id>', "a division id (repeatable); 'all' for every division (default)", collect)
    .option('--display-name <name>', 'the name shown in the dashboard')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print as JSON')
    .action(
      async (
        username: string,
        opts: {
          admin?: boolean;
          role?: string[];
          division?: string[];
          displayName?: string;
          passwordStdin?: boolean;
          json?: boolean;
        },
      ) => {
        const roles = [...new Set([...(opts.admin ? ['admin'] : []), ...(opts.role ?? [])])];
        if (roles.length === 0) throw new UsageError('give the user a role: --admin or --role <role>');
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const created = await withAccess(cli, (s) =>
          s.createUser(
            {
              username,
              displayName: opts.displayName,
              password,
              roles,
              divisions: divisionsOption(opts.division) ?? 'all',
            },
            cliActor(),
          ),
        );
        cli.print(Boolean(opts.json), created, () =>
          created.password
            ? `Created ${created.user.username} (${roles.join(', ')}). One-time password, shown once: ${created.password}`
            : `Created ${created.user.username} (${roles.join(', ')}).`,
        );
      },
    );

  users
    .command('list')
    .description('list the users with their roles, divisions and last sign-in')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withAccess(cli, (s) => s.listUsers());
      cli.print(Boolean(opts.json), list, () => usersText(list));
    });

  users
    .command('update')
    .description("change a user's roles, divisions, name or password, or disable / enable them")
    .argument('<username>')
    .option('--role <role>', 'replace the roles (repeatable)', collect)
    .option('--division <id>', "replace the divisions (repeatable; 'all' for every division)", collect)
    .option('--display-name <name>', 'the name shown in the dashboard')
    .option('--reset-password', 'generate a new one-time password (printed once); ends the sessions')
    .option('--password-stdin', 'read the new password from standard input; ends the sessions')
    .option('--disable', 'refuse their sign-ins and tokens; ends the sessions')
    .option('--enable', 'allow them again')
    .option('--json', 'print as JSON')
    .action(
      async (
        username: string,
        opts: {
          role?: string[];
          division?: string[];
          displayName?: string;
          resetPassword?: boolean;
          passwordStdin?: boolean;
          disable?: boolean;
          enable?: boolean;
          json?: boolean;
        },
      ) => {
        if (opts.disable && opts.enable) throw new UsageError('--disable and --enable together');
        const generated = opts.resetPassword ? generatePassword() : undefined;
        const password = opts.passwordStdin ? await readStdin() : generated;
        const user = await withAccess(cli, async (s) => {
          const found = await s.findUser(username);
          if (!found) throw new AccessError(404, `no user "${username}"`);
          return s.updateUser(
            found.id,
            {
              roles: opts.role,
              divisions: divisionsOption(opts.division),
              displayName: opts.displayName,
              password,
              disabled: opts.disable ? true : opts.enable ? false : undefined,
            },
            cliActor(),
          );
        });
        cli.print(Boolean(opts.json), { user, ...(generated ? { password: generated } : {}) }, () =>
          generated
            ? `Updated ${user.username}. One-time password, shown once: ${generated}`
            : `Updated ${user.username}.`,
        );
      },
    );

  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer …) of a user');

  tokens
    .command('create')
    .description('create an API token for a user; the secret is printed once')
    .argument('<username>')
    .requiredOption('--name <name>', 'what the token is for')
    .option(
      '--scope <permission>',
      'a permission pattern the token may use (repeatable), e.g. analytics:*',
      collect,
    )
    .option('--expires-days <n>', 'expire after n days', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--expires-days must be a positive integer');
      return n;
    })
    .option('--json', 'print as JSON')
    .action(
      async (
        username: string,
        opts: { name: string; scope?: string[]; expiresDays?: number; json?: boolean },
      ) => {
        if (!opts.scope?.length)
          throw new UsageError('give the token at least one --scope (e.g. analytics:*)');
        const created = await withAccess(cli, async (s) => {
          const principal = await s.userPrincipal(username);
          if (!principal) throw new AccessError(404, `no user "${username}"`);
          return s.createToken(
            principal,
            { name: opts.name, scopes: opts.scope ?? [], expiresInDays: opts.expiresDays },
            cliActor(),
          );
        });
        cli.print(
          Boolean(opts.json),
          created,
          () => `Token ${created.token.id} created. Secret, shown once:\n${created.secret}`,
        );
      },
    );

  tokens
    .command('list')
    .description("a user's API tokens")
    .argument('<username>')
    .option('--json', 'print as JSON')
    .action(async (username: string, opts: { json?: boolean }) => {
      const list = await withAccess(cli, async (s) => {
        const user = await s.findUser(username);
        if (!user) throw new AccessError(404, `no user "${username}"`);
        return s.listTokens(user.id);
      });
      cli.print(Boolean(opts.json), list, () =>
        list.length === 0
          ? 'No tokens.'
          : list
              .map((t) =>
                [
                  t.id,
                  t.name.padEnd(24),
                  t.scopes.join(','),
                  t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
                ].join('  '),
              )
              .join('\n'),
      );
    });

  tokens
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>')
    .action(async (id: string) => {
      await withAccess(cli, async (s) => s.revokeToken(DEV_PRINCIPAL, id, cliActor()));
      process.stdout.write(`Token ${id} revoked.\n`);
    });

  program
    .command('audit')
    .description('the audit log, newest first: logins, exports, permission changes, data erasure')
    .option('--action <action>', 'an action or its prefix (login matches login.failed)')
    .option('--actor <name>', 'only this actor')
    .option('--limit <n>', 'at most this many entries', (v) => Number(v), 50)
    .option('--json', 'print as JSON')
    .action(async (opts: { action?: string; actor?: string; limit: number; json?: boolean }) => {
      const result = await cli.withOperational((db) =>
        listAudit(db, { page: 1, pageSize: opts.limit, action: opts.action, actor: opts.actor }),
      );
      cli.print(
        Boolean(opts.json),
        result,
        () =>
          result.items
            .map((e) =>
              [e.at, e.actor.padEnd(16), e.action.padEnd(16), e.target ?? '', e.ip ?? ''].join('  '),
            )
            .join('\n') || 'The audit log is empty.',
      );
    });
}
