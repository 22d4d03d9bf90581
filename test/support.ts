import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/index.ts';
import type { EventLogRow } from '../src/eventlog/index.ts';
import { importGenesys } from '../src/sources/genesys/index.ts';
import { openStore, type Store } from '../src/store/index.ts';

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
