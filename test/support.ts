import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseConfig } from '../src/config/index.ts';
import type { EventLogRow } from '../src/eventlog/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import {
  type OperationalStore,
  type OperationalStoreOptions,
  openStore,
  type Store,
} from '../src/store/index.ts';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/genesys');
export const EXTRACTED_AT = new Date('2024-04-01T04:00:00.000Z');

export const tempDir = (prefix = 'caseflow-'): string => mkdtempSync(path.join(tmpdir(), prefix));

/** The scenario files (a- … o-), without the bad-input ones. */
export const scenarioFiles = (): string[] =>
  readdirSync(FIXTURES)
    .filter((f) => /^[a-z]-.*\.json$/.test(f))
    .sort()
    .map((f) => path.join(FIXTURES, f));

export const directoryOptions = {
  users: path.join(FIXTURES, 'users.json'),
  queues: path.join(FIXTURES, 'queues.json'),
  wrapUpCodes: path.join(FIXTURES, 'wrapupcodes.json'),
  surveys: path.join(FIXTURES, 'surveys.ndjson'),
};

/** A fresh store holding every scenario fixture, with directories and surveys. */
export async function scenarioStore(configInput: unknown = {}): Promise<Store> {
  const store = await openStore(tempDir());
  await importGenesys(store, scenarioFiles(), {
    config: parseConfig(configInput),
    ...directoryOptions,
    now: EXTRACTED_AT,
  });
  return store;
}

export const iso = (value: string): string => new Date(value).toISOString();

/** An event reduced to what scenario tests compare: [ActivityName, EventTime, EventEndTime, AgentName, QueueName, WrapUpCode]. */
export type Ev = [string, string, string, string | null, string | null, string | null];
export const ev = (r: EventLogRow): Ev => [
  r.ActivityName,
  iso(r.EventTime),
  iso(r.EventEndTime),
  r.AgentName,
  r.QueueName,
  r.WrapUpCode,
];

const BIN = path.resolve(import.meta.dirname, '../bin/caseflow.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a child process, asynchronously (test servers in this process keep answering). */
export function runCaseflow(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/**
 * The URL of the PostgreSQL server the operational-store tests also run on (CASEFLOW_TEST_DATABASE_URL),
 * when set: .ci/run starts a throwaway one; so does `source .ci/postgres.sh && caseflow_start_postgres`.
 */
export const SERVER_URL = process.env.CASEFLOW_TEST_DATABASE_URL || undefined;

export type OperationalKind = OperationalStore['kind'];

/**
 * The operational-store backends a test file runs on: PGlite always, the PostgreSQL server too when
 * CASEFLOW_TEST_DATABASE_URL is set. Without it the file fails under CI (.ci/run starts a server: a missing
 * one is a broken run) and elsewhere warns, naming the file by `label`, that the server tests are skipped;
 * `serverOptional` runs on PGlite alone then, silently, even under CI.
 */
export function operationalBackends(
  label: string,
  { serverOptional = false }: { serverOptional?: boolean } = {},
): OperationalKind[] {
  if (SERVER_URL) return ['pglite', 'postgres'];
  if (serverOptional) return ['pglite'];
  if (process.env.CI) {
    throw new Error(
      'CASEFLOW_TEST_DATABASE_URL is not set under CI: .ci/run starts a PostgreSQL server for these tests',
    );
  }
  console.warn(
    `${label}: CASEFLOW_TEST_DATABASE_URL is not set: the PostgreSQL-server tests are skipped ` +
      '(PGlite only). Start a throwaway server with: source .ci/postgres.sh && caseflow_start_postgres',
  );
  return ['pglite'];
}

/** One new, empty operational database. */
export interface FreshDatabase {
  /** Options that open it (openOperationalStore, connectOperationalStore). */
  options: OperationalStoreOptions;
  /** Removes it (close its stores first). */
  drop(): Promise<void>;
}

async function serverQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database on a backend: a PGlite data directory of its own, or a schema of its own on the
 * server (SERVER_URL), reached through search_path.
 */
export async function freshOperationalDatabase(kind: OperationalKind): Promise<FreshDatabase> {
  if (kind === 'pglite') {
    const dataDir = tempDir('caseflow-op-');
    return { options: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `caseflow_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await serverQuery(`create schema ${schema}`);
  const url = new URL(SERVER_URL ?? '');
  url.searchParams.set('options', `-c search_path=${schema}`);
  // With a database URL the data directory is not used: nothing is created there.
  return {
    options: { dataDir: path.join(tmpdir(), 'caseflow-op-unused'), databaseUrl: url.toString() },
    drop: () => serverQuery(`drop schema if exists ${schema} cascade`),
  };
}
