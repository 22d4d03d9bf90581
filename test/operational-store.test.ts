import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDue,
  enqueue,
  findOutboxMessage,
  MigrationError,
  markDelivered,
  markFailed,
  type OperationalStore,
  openOperationalStore,
  requeue,
} from '../src/store/index.ts';
import { loadMigrations, migrate } from '../src/store/operational/migrate.ts';
import { describeDatabaseUrl } from '../src/store/operational/postgres.ts';
import { connectOperationalStore } from '../src/store/operational/store.ts';
import { parseInt8, parseTimestamp, toIsoInstant } from '../src/store/operational/values.ts';
import { type FreshDatabase, freshOperationalDatabase, operationalBackends, SERVER_URL } from './support.ts';

/**
 * The operational store on every backend available: PGlite always; a PostgreSQL server when
 * CASEFLOW_TEST_DATABASE_URL is set (.ci/run starts one; so does `source .ci/postgres.sh &&
 * caseflow_start_postgres`). Each server test works in a schema of its own (search_path), dropped after.
 */

const backends = operationalBackends('operational store');

const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'caseflow-op-'));

const NOW = '2024-05-01T08:00:00.000Z';
const later = (ms: number, from = NOW): string => new Date(Date.parse(from) + ms).toISOString();

if (!SERVER_URL) describe.skip('postgres (CASEFLOW_TEST_DATABASE_URL unset)', () => it('runs', () => {}));

describe.each(backends)('operational store on %s', (kind) => {
  describe('migrations', () => {
    it('are applied once, recorded, and a second open is a no-op that keeps the data', async () => {
      const fresh = await freshOperationalDatabase(kind);
      try {
        let store = await openOperationalStore(fresh.options);
        expect(store.kind).toBe(kind);
        const recorded = await store.db.selectFrom('schema_migrations').selectAll().execute();
        const files = loadMigrations();
        expect(recorded.map((r) => [r.version, r.name, r.checksum])).toEqual(
          files.map((m) => [m.version, m.name, m.checksum]),
        );
        expect(recorded[0]?.name).toBe('0001_outbox');
        expect(recorded[0]?.applied_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        await enqueue(store.db, { topic: 'persist', key: 'k1', payload: { kept: true } });
        await store.close();
        await store.close(); // closing twice is harmless

        store = await openOperationalStore(fresh.options);
        try {
          expect(await migrate(store.db)).toEqual([]);
          expect(await store.db.selectFrom('schema_migrations').selectAll().execute()).toEqual(recorded);
          const kept = await store.db.selectFrom('outbox').select(['key', 'payload']).execute();
          expect(kept).toEqual([{ key: 'k1', payload: { kept: true } }]);
        } finally {
          await store.close();
        }
      } finally {
        await fresh.drop();
      }
    });

    it('refuses a migration changed after it was applied, an unknown one, and rolls back a failed one', async () => {
      const fresh = await freshOperationalDatabase(kind);
      const dir = tempDir();
      const store = await connectOperationalStore(fresh.options);
      try {
        const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
        write('0001_first.sql', 'create table first (id int primary key);\ninsert into first values (1);\n');
        expect(await migrate(store.db, loadMigrations(dir))).toEqual(['0001_first']);
        write('0002_second.sql', 'create table second (id int);');
        expect(await migrate(store.db, loadMigrations(dir))).toEqual(['0002_second']);
        expect(await migrate(store.db, loadMigrations(dir))).toEqual([]);

        // Line endings alone do not change a migration.
        write(
          '0001_first.sql',
          'create table first (id int primary key);\r\ninsert into first values (1);\r\n',
        );
        expect(await migrate(store.db, loadMigrations(dir))).toEqual([]);

        write(
          '0001_first.sql',
          'create table first (id bigint primary key);\ninsert into first values (1);\n',
        );
        const changed = migrate(store.db, loadMigrations(dir));
        await expect(changed).rejects.toThrow(MigrationError);
        await expect(changed).rejects.toThrow(/0001_first\.sql was changed after it was applied/);
        write('0001_first.sql', 'create table first (id int primary key);\ninsert into first values (1);\n');

        // A failing migration leaves nothing behind: neither its first statement nor a record.
        write('0003_broken.sql', 'create table third (id int);\nselect * from no_such_table;\n');
        await expect(migrate(store.db, loadMigrations(dir))).rejects.toThrow(
          /migration 0003_broken\.sql failed: .*no_such_table/,
        );
        const third = await sql<{ n: number }>`select count(*) as n from pg_tables
          where tablename = 'third' and schemaname = current_schema()`.execute(store.db);
        expect(third.rows[0]?.n).toBe(0);
        rmSync(path.join(dir, '0003_broken.sql'));

        // The database has a migration this version does not know.
        rmSync(path.join(dir, '0002_second.sql'));
        await expect(migrate(store.db, loadMigrations(dir))).rejects.toThrow(
          /has migration 0002_second applied, which this version of Caseflow does not have/,
        );
        const versions = await store.db.selectFrom('schema_migrations').select('version').execute();
        expect(versions.map((v) => v.version)).toEqual([1, 2]);
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
        await fresh.drop();
      }
    });

    it('stops the open when an applied migration file no longer matches its checksum', async () => {
      const fresh = await freshOperationalDatabase(kind);
      try {
        const store = await openOperationalStore(fresh.options);
        await store.db
          .updateTable('schema_migrations')
          .set({ checksum: 'f'.repeat(64) })
          .where('version', '=', 1)
          .execute();
        await store.close();
        await expect(openOperationalStore(fresh.options)).rejects.toThrow(
          /migration 0001_outbox\.sql was changed after it was applied/,
        );
        // The failed open released the database: it opens again once the record is right.
        const bare = await connectOperationalStore(fresh.options);
        await bare.db
          .updateTable('schema_migrations')
          .set({ checksum: loadMigrations()[0]?.checksum ?? '' })
          .where('version', '=', 1)
          .execute();
        await bare.close();
        await (await openOperationalStore(fresh.options)).close();
      } finally {
        await fresh.drop();
      }
    });

    it('rejects badly named migration files', () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, '1_first.sql'), 'select 1;');
      expect(() => loadMigrations(dir)).toThrow(/1_first\.sql is not named NNNN_name\.sql/);
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('queries and the outbox', () => {
    let fresh: FreshDatabase;
    let store: OperationalStore;

    beforeAll(async () => {
      fresh = await freshOperationalDatabase(kind);
      store = await openOperationalStore(fresh.options);
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.drop();
    });
    beforeEach(async () => {
      await store.db.deleteFrom('outbox').execute();
    });

    it('reads int8 as number, timestamptz as ISO-8601 UTC, date as text, in a UTC session', async () => {
      const { rows } = await sql<{ n: number; t: string; d: string; zone: string; day: string }>`
        select count(*) as n, '2024-05-01 10:00:00.123456+02'::timestamptz as t, '2024-05-01'::date as d,
          current_setting('TimeZone') as zone, ('2024-05-01T23:30:00-02:00'::timestamptz)::date::text as day
        from (values (1), (2)) as v(x)`.execute(store.db);
      expect(rows).toEqual([
        { n: 2, t: '2024-05-01T08:00:00.123Z', d: '2024-05-01', zone: 'UTC', day: '2024-05-02' },
      ]);
    });

    it('commits a transaction and rolls one back on error', async () => {
      await store.db.transaction().execute(async (trx) => {
        await enqueue(trx, { topic: 't', key: 'committed', payload: 1 });
      });
      await expect(
        store.db.transaction().execute(async (trx) => {
          await enqueue(trx, { topic: 't', key: 'rolled-back', payload: 2 });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const keys = await store.db.selectFrom('outbox').select('key').execute();
      expect(keys).toEqual([{ key: 'committed' }]);
    });

    it('enqueues a (topic, key) once and keeps its payload as JSON', async () => {
      const payload = {
        case: 'SR-20240501-00001',
        tags: ['a', 'é'],
        n: 1.5,
        nested: { ok: true, none: null },
      };
      const first = await enqueue(store.db, { topic: 'webhook', key: 'evt-1', payload, availableAt: NOW });
      const again = await enqueue(store.db, { topic: 'webhook', key: 'evt-1', payload: { other: 1 } });
      const otherTopic = await enqueue(store.db, { topic: 'email', key: 'evt-1', payload: 'a string' });
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      expect(otherTopic.created).toBe(true);
      expect(otherTopic.id).not.toBe(first.id);

      const message = await findOutboxMessage(store.db, first.id);
      expect(message).toMatchObject({
        topic: 'webhook',
        key: 'evt-1',
        payload,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: NOW,
        lastError: null,
        deliveredAt: null,
      });
      expect(message?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect((await findOutboxMessage(store.db, otherTopic.id))?.payload).toBe('a string');

      // Concurrent enqueues of one key make one message.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => enqueue(store.db, { topic: 'webhook', key: 'evt-2', payload: {} })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
    });

    it('takes instants with any zone and gives them back in UTC', async () => {
      const { id } = await enqueue(store.db, {
        topic: 't',
        key: 'zoned',
        payload: null,
        availableAt: '2024-05-01T10:00:00+02:00',
      });
      expect((await findOutboxMessage(store.db, id))?.nextAttemptAt).toBe('2024-05-01T08:00:00.000Z');
      await expect(
        enqueue(store.db, { topic: 't', key: 'naive', payload: null, availableAt: '2024-05-01 10:00' }),
      ).rejects.toThrow(/availableAt must be an ISO-8601 instant with a zone/);
    });

    it('50 concurrent claims of one message each on 10 due messages claim each exactly once', async () => {
      for (let i = 0; i < 10; i++) {
        await enqueue(store.db, {
          topic: 'hook',
          key: `due-${i}`,
          payload: { i },
          availableAt: later(-i * 1000),
        });
      }
      await enqueue(store.db, { topic: 'hook', key: 'not-yet', payload: {}, availableAt: later(3_600_000) });
      await enqueue(store.db, { topic: 'other', key: 'due-0', payload: {}, availableAt: NOW });

      const claims = await Promise.all(
        Array.from({ length: 50 }, () => claimDue(store.db, 'hook', 1, NOW, { leaseMs: 30_000 })),
      );
      const claimed = claims.flat();
      expect(claims.every((c) => c.length <= 1)).toBe(true);
      expect(claimed.map((m) => m.key).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `due-${i}`).sort(),
      );
      expect(new Set(claimed.map((m) => m.id)).size).toBe(10);
      for (const message of claimed) {
        expect(message).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: later(30_000) });
      }
      // Claimed messages are leased: nothing more is due now; all ten are again when the lease ends.
      expect(await claimDue(store.db, 'hook', 100, NOW)).toEqual([]);
      const again = await claimDue(store.db, 'hook', 100, later(30_000));
      expect(again.map((m) => m.key)).toHaveLength(10);
      expect(again.every((m) => m.attempts === 2)).toBe(true);
      // The most overdue first (ties by id), limit respected; returned in enqueue order.
      expect((await claimDue(store.db, 'hook', 3, later(120_000))).map((m) => m.key)).toEqual([
        'due-0',
        'due-1',
        'due-2',
      ]);
      await enqueue(store.db, { topic: 'order', key: 'a', payload: {}, availableAt: later(-1000) });
      await enqueue(store.db, { topic: 'order', key: 'b', payload: {}, availableAt: later(-3000) });
      await enqueue(store.db, { topic: 'order', key: 'c', payload: {}, availableAt: later(-2000) });
      expect((await claimDue(store.db, 'order', 2, NOW)).map((m) => m.key)).toEqual(['b', 'c']);
    });

    it('marks delivered, retries a failure, gives up (dead) and replays a dead message', async () => {
      const { id } = await enqueue(store.db, { topic: 'hook', key: 'k', payload: {}, availableAt: NOW });
      let [message] = await claimDue(store.db, 'hook', 1, NOW);
      expect(message?.id).toBe(id);

      expect(await markFailed(store.db, id, 'HTTP 503', later(60_000))).toBe(true);
      expect(await findOutboxMessage(store.db, id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: 'HTTP 503',
        nextAttemptAt: later(60_000),
      });
      expect(await claimDue(store.db, 'hook', 1, later(59_999))).toEqual([]);
      [message] = await claimDue(store.db, 'hook', 1, later(60_000));
      expect(message?.attempts).toBe(2);

      expect(await markFailed(store.db, id, 'x'.repeat(10_000), null)).toBe(true);
      const dead = await findOutboxMessage(store.db, id);
      expect(dead).toMatchObject({ status: 'dead', attempts: 2, nextAttemptAt: null });
      expect(dead?.lastError).toHaveLength(4000);
      expect(await claimDue(store.db, 'hook', 1, later(86_400_000))).toEqual([]);
      // Only pending messages can fail or be delivered; only dead ones can be requeued.
      expect(await markFailed(store.db, id, 'late', null)).toBe(false);
      expect(await markDelivered(store.db, id)).toBe(false);

      expect(await requeue(store.db, id, later(120_000))).toBe(true);
      expect(await requeue(store.db, id)).toBe(false);
      expect(await findOutboxMessage(store.db, id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: later(120_000),
      });
      [message] = await claimDue(store.db, 'hook', 1, later(120_000));
      expect(message?.attempts).toBe(1);
      expect(await markDelivered(store.db, id, later(121_000))).toBe(true);
      expect(await markDelivered(store.db, id)).toBe(false);
      expect(await findOutboxMessage(store.db, id)).toMatchObject({
        status: 'delivered',
        deliveredAt: later(121_000),
        nextAttemptAt: null,
        lastError: `${'x'.repeat(3999)}…`,
      });
      expect(await claimDue(store.db, 'hook', 10, later(86_400_000))).toEqual([]);
      expect(await markDelivered(store.db, 999_999)).toBe(false);
    });

    it('claims within a caller transaction, and the claim is undone with it', async () => {
      await enqueue(store.db, { topic: 'hook', key: 'k', payload: {}, availableAt: NOW });
      await expect(
        store.db.transaction().execute(async (trx) => {
          expect(await claimDue(trx, 'hook', 5, NOW)).toHaveLength(1);
          throw new Error('worker failed before recording');
        }),
      ).rejects.toThrow('worker failed');
      const [message] = await claimDue(store.db, 'hook', 5, NOW);
      expect(message?.attempts).toBe(1);
    });

    if (kind === 'postgres') {
      it('skips rows locked by another transaction instead of waiting (FOR UPDATE SKIP LOCKED)', async () => {
        for (let i = 0; i < 6; i++) {
          await enqueue(store.db, { topic: 'hook', key: `k${i}`, payload: {}, availableAt: later(-i) });
        }
        await store.db.transaction().execute(async (trx) => {
          const mine = await claimDue(trx, 'hook', 4, NOW);
          expect(mine).toHaveLength(4);
          // Another connection, while this transaction holds its four rows: it gets the other two at once.
          const others = await claimDue(store.db, 'hook', 10, NOW);
          expect(others).toHaveLength(2);
          expect(others.some((o) => mine.some((m) => m.id === o.id))).toBe(false);
        });
      });
    }

    if (kind === 'pglite') {
      it('runs concurrent transactions one after the other on the one PGlite connection', async () => {
        const log: string[] = [];
        const run = (name: string, fail = false) =>
          store.db.transaction().execute(async (trx) => {
            log.push(`${name} begin`);
            await enqueue(trx, { topic: 'serial', key: name, payload: {} });
            await new Promise((resolve) => setTimeout(resolve, 20));
            const { n } = await trx
              .selectFrom('outbox')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('topic', '=', 'serial')
              .executeTakeFirstOrThrow();
            log.push(`${name} sees ${n}`);
            if (fail) throw new Error(`${name} fails`);
            log.push(`${name} end`);
          });
        // A plain query issued meanwhile waits for the running transaction: it sees its result, committed.
        const results = await Promise.allSettled([
          run('a'),
          store.db.selectFrom('outbox').select('key').execute(),
          run('b', true),
          run('c'),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
        expect(results[1]?.status === 'fulfilled' && results[1].value).toEqual([{ key: 'a' }]);
        expect(log).toEqual([
          'a begin',
          'a sees 1',
          'a end',
          'b begin',
          'b sees 2',
          'c begin',
          'c sees 2',
          'c end',
        ]);
      });

      it('keeps the data directory to one open store', async () => {
        await expect(openOperationalStore(fresh.options)).rejects.toThrow(
          /operational database .* is in use by this process \(opened twice\)/,
        );
      });
    }
  });

  if (kind === 'postgres') {
    it('migrates once when several processes open one new database at once', async () => {
      const fresh = await freshOperationalDatabase(kind);
      try {
        const stores = await Promise.all(
          Array.from({ length: 4 }, () => openOperationalStore(fresh.options)),
        );
        const recorded = await stores[0]?.db.selectFrom('schema_migrations').select('name').execute();
        expect(recorded).toEqual(loadMigrations().map((m) => ({ name: m.name })));
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await fresh.drop();
      }
    });
  }
});

describe('operational store configuration', () => {
  it('names the server it cannot reach, never the password', async () => {
    const error = await openOperationalStore({
      dataDir: path.join(tmpdir(), 'caseflow-op-unused'),
      databaseUrl: 'postgres://caseflow:s3cr%3Dt@127.0.0.1:1/caseflow',
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^cannot connect to PostgreSQL at caseflow@127\.0\.0\.1:1\/caseflow \(DATABASE_URL\): .*ECONNREFUSED/,
    );
    expect((error as Error).message).not.toMatch(/s3cr/);
    expect(() => describeDatabaseUrl('caseflow secret db')).toThrow(/^DATABASE_URL is not a URL/);
    expect(() => describeDatabaseUrl('mysql://u:secret@db/x')).toThrow(/must start with postgres:\/\//);
    expect(describeDatabaseUrl('postgresql://db.internal/caseflow')).toBe('db.internal:5432/caseflow');
  });

  it('parses values the same way on both backends', () => {
    expect(parseTimestamp('2024-05-01 10:00:00+02')).toBe('2024-05-01T08:00:00.000Z');
    expect(parseTimestamp('2024-05-01 10:00:00.5-05:30')).toBe('2024-05-01T15:30:00.500Z');
    expect(parseTimestamp('2024-05-01 10:00:00.123456')).toBe('2024-05-01T10:00:00.123Z');
    expect(parseTimestamp('0099-01-01 00:00:00+00')).toBe('0099-01-01T00:00:00.000Z');
    // The UTC session's own form, rewritten without a Date: the same answers as the general path.
    expect(parseTimestamp('2024-05-01 08:30:00+00')).toBe('2024-05-01T08:30:00.000Z');
    expect(parseTimestamp('2024-05-01 08:30:00.1+00')).toBe('2024-05-01T08:30:00.100Z');
    expect(parseTimestamp('2024-05-01 08:30:00.123456+00')).toBe('2024-05-01T08:30:00.123Z');
    expect(parseTimestamp('12024-05-01 08:30:00+00')).toBe(
      new Date(Date.UTC(12024, 4, 1, 8, 30)).toISOString(),
    );
    expect(parseTimestamp('infinity')).toBe('infinity');
    expect(parseInt8('9007199254740991')).toBe(9007199254740991);
    expect(() => parseInt8('9007199254740993')).toThrow(/beyond JavaScript's safe integer range/);
    expect(toIsoInstant(new Date(NOW))).toBe(NOW);
    expect(() => toIsoInstant('yesterday')).toThrow(/ISO-8601 instant/);
  });
});
