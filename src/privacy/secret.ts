import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';

/** The secret keying the audit log's name of an erased customer when no pseudonymization key is set. */
export const AUDIT_TARGET_SECRET = 'audit-target';

/**
 * A secret of this installation (0009_installation_secrets.sql): generated at random on first use and
 * stored in the operational store, the same afterwards for the server and the CLI alike. Two processes
 * asking at once get the same one (the first insert wins).
 */
export async function installationSecret(db: Kysely<OperationalSchema>, name: string): Promise<string> {
  await db
    .insertInto('installation_secrets')
    .values({ name, value: randomBytes(48).toString('base64url') })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('installation_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
