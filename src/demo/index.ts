/**
 * Deterministic demo data: Genesys Cloud CX-shaped conversation detail records, directories and
 * survey results for a fictitious French contact center. Same options → byte-identical files.
 *
 * Layout written into outDir:
 *   conversations/conversations-YYYY-MM-DD.json   one file per week (Monday, or the first day of the
 *                                                  window), details query response shape
 *                                                  {"conversations":[...],"totalHits":n}
 *   conversations/conversations-YYYY-MM-DD.ndjson  the last week, one conversation per line
 *   users.json, queues.json, wrapupcodes.json      Genesys list shape {"entities":[...],"pageSize",…}
 *   surveys.ndjson                                 {"conversationId","sentDate","score"} per line
 *   messages.ndjson                                the chat, messaging and e-mail texts, generic message
 *                                                  format (caseflow import messages), by time
 *
 * The data set is a snapshot taken at the end of the window (`end`, 00:00 UTC): conversations still
 * running then are active (no conversationEnd, last segment open) and no time lies after it.
 */
import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DAY, isoDay } from './calendar.ts';
import { generateItems, validateOptions } from './conversations.ts';
import {
  buildDirectory,
  queuesFile,
  REQUEST_TYPES,
  UNRESOLVED_WRAPUP_CODES,
  usersFile,
  wrapUpCodesFile,
} from './directory.ts';
import { DemoMessages } from './messages.ts';
import type { DemoSurveyRecord, GenesysConversationRecord } from './types.ts';

export type { DemoMessageRecord } from './messages.ts';
export type {
  DemoSurveyRecord,
  GenesysConversationRecord,
  GenesysMetricRecord,
  GenesysParticipantRecord,
  GenesysSegmentRecord,
  GenesysSessionRecord,
} from './types.ts';

export interface DemoOptions {
  conversations: number;
  days: number;
  seed: number;
  /** ISO date 'YYYY-MM-DD': exclusive end day (UTC); default '2026-11-01'. */
  end: string;
}

/** Paths of the files written (outDir joined with the relative names). */
export interface DemoFiles {
  conversations: string[];
  users: string;
  queues: string;
  wrapUpCodes: string;
  surveys: string;
  /** Messages of the chat, messaging and e-mail conversations (caseflow import messages). */
  messages: string;
}

export const DEMO_DEFAULTS: DemoOptions = { conversations: 5000, days: 60, seed: 42, end: '2026-11-01' };

/** Request types the demo uses (participant attribute serviceRequestType). */
export const DEMO_REQUEST_TYPES: readonly string[] = REQUEST_TYPES;

/**
 * Wrap-up code names of the demo that leave a service request open; everything else resolves it.
 * Use as `eventlog.unresolvedWrapUpCodes` when importing the demo data.
 */
export const DEMO_UNRESOLVED_WRAPUP_CODES: readonly string[] = UNRESOLVED_WRAPUP_CODES;

/** Pure, in-memory variant used by tests and the benchmark: yields conversations in start-time order. */
export function* demoConversations(options: DemoOptions): Generator<GenesysConversationRecord> {
  for (const item of generateItems(options)) yield item.conversation;
}

/** Week file key: the Monday of t's week, or the window's first day if later. */
function weekKey(t: number, windowStart: number): string {
  const day = Math.floor(t / DAY) * DAY;
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return isoDay(Math.max(day - dow * DAY, windowStart));
}

const CONVERSATION_FILE = /^conversations-\d{4}-\d{2}-\d{2}\.(json|ndjson)$/;
const FLUSH_BYTES = 1 << 20;

/** Writes the data set into outDir; same options → byte-identical files. onProgress(done, total) is called as conversations are written. */
export async function generateDemo(
  outDir: string,
  options: DemoOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoFiles> {
  const { start, end } = validateOptions(options);
  const convDir = path.join(outDir, 'conversations');
  await mkdir(convDir, { recursive: true });
  // Files of an earlier run with other dates would be imported along with this one.
  for (const name of await readdir(convDir)) {
    if (CONVERSATION_FILE.test(name)) await rm(path.join(convDir, name));
  }

  const dir = buildDirectory(options.seed);
  const files: DemoFiles = {
    conversations: [],
    users: path.join(outDir, 'users.json'),
    queues: path.join(outDir, 'queues.json'),
    wrapUpCodes: path.join(outDir, 'wrapupcodes.json'),
    surveys: path.join(outDir, 'surveys.ndjson'),
    messages: path.join(outDir, 'messages.ndjson'),
  };
  await writeFile(files.users, `${JSON.stringify(usersFile(dir), null, 2)}\n`);
  await writeFile(files.queues, `${JSON.stringify(queuesFile(dir), null, 2)}\n`);
  await writeFile(files.wrapUpCodes, `${JSON.stringify(wrapUpCodesFile(dir), null, 2)}\n`);

  const lastWeek = weekKey(end - DAY, start);
  const total = options.conversations;
  const surveys: DemoSurveyRecord[] = [];
  const messages = new DemoMessages(options.seed, end);
  let done = 0;
  let week: string | null = null;
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  let ndjson = false;
  let count = 0;
  let buffer: string[] = [];
  let bufferBytes = 0;

  const flush = async (): Promise<void> => {
    if (handle === null || buffer.length === 0) return;
    await handle.write(buffer.join(''));
    buffer = [];
    bufferBytes = 0;
  };
  const close = async (): Promise<void> => {
    if (handle === null) return;
    buffer.push(ndjson ? '' : `\n],"totalHits":${count}}\n`);
    await flush();
    await handle.close();
    handle = null;
  };

  try {
    for (const item of generateItems(options)) {
      const record = item.conversation;
      const key = weekKey(Date.parse(record.conversationStart), start);
      if (key !== week) {
        await close();
        week = key;
        ndjson = key === lastWeek;
        count = 0;
        const file = path.join(convDir, `conversations-${key}.${ndjson ? 'ndjson' : 'json'}`);
        files.conversations.push(file);
        handle = await open(file, 'w');
        buffer.push(ndjson ? '' : '{"conversations":[\n');
      }
      const json = JSON.stringify(record);
      buffer.push(ndjson ? `${json}\n` : count === 0 ? json : `,\n${json}`);
      bufferBytes += json.length;
      count++;
      if (item.survey !== undefined) surveys.push(item.survey);
      messages.add(record);
      done++;
      if (bufferBytes >= FLUSH_BYTES) await flush();
      if (onProgress !== undefined && (done % 250 === 0 || done === total)) onProgress(done, total);
    }
    await close();
  } finally {
    if (handle !== null) await (handle as Awaited<ReturnType<typeof open>>).close();
  }
  if (onProgress !== undefined && total === 0) onProgress(0, 0);

  surveys.sort((a, b) =>
    a.sentDate < b.sentDate ? -1 : a.sentDate > b.sentDate ? 1 : a.conversationId < b.conversationId ? -1 : 1,
  );
  await writeFile(files.surveys, surveys.map((s) => `${JSON.stringify(s)}\n`).join(''));
  await writeFile(files.messages, messages.ndjson());
  return files;
}
export { DEMO_CONFIG, demoConfig } from './config.ts';
