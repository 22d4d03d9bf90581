import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CaseflowConfig, derivationFingerprint } from '../../config/index.ts';
import type { Survey } from '../../eventlog/index.ts';
import { type Pseudonymizer, preparePseudonymization } from '../../privacy/index.ts';
import { appendRow } from '../../store/duckdb.ts';
import type { DirectoryEntry, DirectoryKind, GenesysMessageRow, Store } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { InputError, listFiles, readRecords } from '../records.ts';
import { ConversationImporter, idOf } from './importer.ts';
import { genesysMessageRows, type MessageConversation, messageConversationSchema } from './messages.ts';
import { directorySchema, surveySchema } from './schema.ts';

export interface ImportOptions {
  config: CaseflowConfig;
  users?: string;
  queues?: string;
  wrapUpCodes?: string;
  /** Groups directory (GET /api/v2/groups); users' groups come with users.json (expand=groups). */
  groups?: string;
  surveys?: string;
  /**
   * MessageConversation records (GET /api/v2/conversations/messages/{id}), JSON array, {"entities":[…]} or
   * NDJSON: their messages replace the Genesys messages stored for those conversations.
   */
  messageConversations?: string;
  /** Extraction time stamped as LastDataUpdate; defaults to now. */
  now?: Date;
  onProgress?: (progress: ImportProgress) => void;
  /** Conversations written per transaction. */
  batchSize?: number;
  /** Where CASEFLOW_PSEUDONYMIZE_KEY is read (privacy.pseudonymize); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  conversations: number;
  rejected: number;
}

export interface ImportSummary {
  files: number;
  /** Valid conversation records read (including versions older than the stored one). */
  conversations: number;
  added: number;
  updated: number;
  /** Records identical to the stored version: nothing written, LastDataUpdate kept. */
  unchanged: number;
  /** Records skipped because the store already holds a newer version of the conversation. */
  olderVersions: number;
  events: number;
  cases: number;
  rejected: number;
  /** The first few rejections, for the summary; all of them are in quarantineFile. */
  firstRejections: Rejection[];
  warnings: number;
  warningDetails: Record<string, number>;
  surveys: number;
  /** Stored surveys whose conversation is not imported (yet): they get no event until it is. */
  unmatchedSurveys: number;
  /** Messages of the message-conversations files: conversations read, messages stored, items skipped. */
  messages: { conversations: number; messages: number; skipped: number };
  quarantineFile: string | null;
}

/**
 * Imports Genesys conversation detail records from files and directories: validates, derives events,
 * quarantines what is bad, keeps the newest version of each conversation, regroups cases.
 */
export async function importGenesys(
  store: Store,
  paths: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const { config } = options;
  // A missing key or a mode other than the stored data's is refused before the directories are written.
  await preparePseudonymization(store, config, options.env);
  const now = options.now ?? new Date();
  const quarantine = new Quarantine(store.dataDir, 'genesys', now);

  const listed = await listFiles(paths);
  // Directory and survey files met while walking a folder are loaded as such (unless named by option).
  const found = {
    users: [] as string[],
    queues: [] as string[],
    wrapUpCodes: [] as string[],
    groups: [] as string[],
    surveys: [] as string[],
    messageConversations: [] as string[],
    /** Support messages (a demo folder's messages.ndjson): for `caseflow import messages`, not read here. */
    messages: [] as string[],
  };
  const files = listed.filter(({ file }) => {
    const kind = sideFileKind(file);
    if (kind) found[kind].push(file);
    return kind === null;
  });
  const directories: [DirectoryKind, string[]][] = [
    ['users', options.users ? [options.users] : found.users],
    ['queues', options.queues ? [options.queues] : found.queues],
    ['wrapUpCodes', options.wrapUpCodes ? [options.wrapUpCodes] : found.wrapUpCodes],
    ['groups', options.groups ? [options.groups] : found.groups],
  ];
  for (const [kind, list] of directories) {
    for (const file of list) await store.saveDirectory(kind, await readDirectoryFile(file));
  }
  const surveys: Survey[] = [];
  for (const file of options.surveys ? [options.surveys] : found.surveys) {
    surveys.push(...(await readSurveys(file, quarantine)));
  }
  if (surveys.length) await store.saveSurveys(surveys);

  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  const importer = await ConversationImporter.open(store, config, quarantine, now.getTime(), {
    env: options.env,
  });
  const progress: ImportProgress = { bytesRead: 0, bytesTotal, conversations: 0, rejected: 0 };
  const report = () =>
    options.onProgress?.({
      ...progress,
      conversations: importer.counts.conversations,
      rejected: quarantine.count,
    });
  const batchSize = options.batchSize ?? 2000;

  for (const { file } of files) {
    for await (const source of readRecords(file, 'conversations', (n) => {
      progress.bytesRead += n;
    })) {
      importer.accept(source);
      if (importer.pendingCount >= batchSize) {
        await importer.flush();
        report();
      }
    }
    report();
  }
  await importer.flush();
  const messages = await importMessageConversations(
    store,
    options.messageConversations ? [options.messageConversations] : found.messageConversations,
    quarantine,
    config.sourceSystem,
    now.getTime(),
    importer.pseudonymizer,
  );
  const counts = importer.counts;
  const { cases, events } =
    surveys.length ||
    directories.some(([, list]) => list.length > 0) ||
    importer.changed ||
    (await store.regroupPending())
      ? await store.regroup(config)
      : await store.counts();
  // The fingerprint records the settings the stored data was derived with: only a full derivation
  // (first import, or rebuild) may set it, or older records would silently keep stale derivations.
  if ((await store.getMeta('derivation')) === undefined) {
    await store.setMeta('derivation', derivationFingerprint(config));
  }
  return {
    files: files.length,
    conversations: counts.conversations,
    added: counts.added,
    updated: counts.updated,
    unchanged: counts.unchanged,
    olderVersions: counts.olderVersions,
    events,
    cases,
    rejected: quarantine.count,
    firstRejections: quarantine.first,
    warnings: counts.warnings,
    warningDetails: counts.warningDetails,
    surveys: surveys.length + counts.surveys,
    unmatchedSurveys: await store.unmatchedSurveys(),
    messages,
    quarantineFile: quarantine.count ? quarantine.file : null,
  };
}

type SideFile =
  | 'users'
  | 'queues'
  | 'wrapUpCodes'
  | 'groups'
  | 'surveys'
  | 'messages'
  | 'messageConversations';

const SIDE_FILES: [RegExp, SideFile][] = [
  [/^users\.json(\.gz)?$/i, 'users'],
  [/^queues\.json(\.gz)?$/i, 'queues'],
  [/^wrap-?up-?codes\.json(\.gz)?$/i, 'wrapUpCodes'],
  [/^groups\.json(\.gz)?$/i, 'groups'],
  [/^surveys\.(nd)?jsonl?(\.gz)?$/i, 'surveys'],
  [/^messages\.(nd)?jsonl?(\.gz)?$/i, 'messages'],
  [/^message-?conversations\.(nd)?jsonl?(\.gz)?$/i, 'messageConversations'],
];

function sideFileKind(file: string): SideFile | null {
  const name = path.basename(file);
  return SIDE_FILES.find(([pattern]) => pattern.test(name))?.[1] ?? null;
}

async function readJsonFile(file: string): Promise<unknown> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new InputError(fileError(file, error));
  }
  const text = (buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * A directory file in the API's list shape {"entities":[{"id","name"}]} (or a plain array of entities); users
 * read with expand=groups also give `groups: [{"id"}]`.
 */
export async function readDirectoryFile(file: string): Promise<DirectoryEntry[]> {
  const value = await readJsonFile(file);
  const parsed = directorySchema.safeParse(Array.isArray(value) ? { entities: value } : value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${file}: not a directory list ({"entities":[{"id","name"}]}): ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data.entities;
}

/** A readable message for a file that cannot be opened. */
function fileError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EISDIR') return `${file}: is a directory, a file was expected`;
  if (code === 'EACCES') return `${file}: permission denied`;
  return `${file}: ${(error as Error).message}`;
}

async function readSurveys(file: string, quarantine: Quarantine): Promise<Survey[]> {
  const info = await stat(file).catch((error: unknown) => {
    throw new InputError(fileError(file, error));
  });
  if (info.isDirectory())
    throw new InputError(fileError(file, Object.assign(new Error(), { code: 'EISDIR' })));
  const out: Survey[] = [];
  for await (const source of readRecords(file, 'surveys')) {
    const where = { file: source.file, line: source.line, index: source.index };
    if (source.error !== undefined) {
      quarantine.reject({ ...where, reason: source.error, record: source.text });
      continue;
    }
    const parsed = surveySchema.safeParse(source.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      quarantine.reject({
        ...where,
        conversationId: idOf(source.value),
        reason: `survey schema: ${issue?.path.join('.')}: ${issue?.message}`,
        record: source.value,
      });
      continue;
    }
    out.push({
      conversationId: parsed.data.conversationId,
      sentDate: Date.parse(parsed.data.sentDate),
      score: parsed.data.score ?? null,
    });
  }
  return out;
}

/** Conversations whose messages are written per transaction. */
const MESSAGE_BATCH = 500;

/**
 * Imports MessageConversation records: each one's messages replace the Genesys messages stored for its
 * conversation. Channel, contact and source system come from the stored conversation (imported before, in
 * the same run or earlier); a conversation not stored yet gets them at read time, from its support
 * conversation, once it is. A record that is not a MessageConversation goes to the quarantine.
 */
async function importMessageConversations(
  store: Store,
  files: readonly string[],
  quarantine: Quarantine,
  sourceSystem: string,
  lastDataUpdate: number,
  pseudonymizer: Pseudonymizer | null,
): Promise<{ conversations: number; messages: number; skipped: number }> {
  const out = { conversations: 0, messages: 0, skipped: 0 };
  let batch = new Map<string, MessageConversation>();
  const write = async () => {
    if (batch.size === 0) return;
    const ids = [...batch.keys()];
    await store.db.run('CREATE OR REPLACE TEMP TABLE message_conversation_ids (id VARCHAR)');
    const app = await store.db.appender('message_conversation_ids');
    for (const id of ids) appendRow(app, [id]);
    app.closeSync();
    const known = new Map(
      (
        await store.db.all<{ id: string; media: string | null; contact: string | null; system: string }>(
          `SELECT conversation_id AS id, media_type AS media, customer_key AS contact, source_system AS system
           FROM conversations WHERE conversation_id IN (SELECT id FROM message_conversation_ids)`,
        )
      ).map((r) => [r.id, r]),
    );
    await store.db.run('DROP TABLE message_conversation_ids');
    const rows: GenesysMessageRow[] = [];
    for (const [conversationId, conversation] of batch) {
      const c = known.get(conversationId);
      const read = genesysMessageRows(conversation, {
        conversationId,
        channel: c?.media ?? null,
        contactId: c?.contact ?? null,
        sourceSystem: c?.system ?? sourceSystem,
        pseudonymizer,
      });
      rows.push(...read.rows);
      out.messages += read.rows.length;
      out.skipped += read.skipped;
    }
    out.conversations += batch.size;
    await store.saveConversations([], { messages: { conversationIds: ids, rows, lastDataUpdate } });
    batch = new Map();
  };
  for (const file of files) {
    for await (const source of readRecords(file, 'entities')) {
      const where = { file: source.file, line: source.line, index: source.index };
      if (source.error !== undefined) {
        quarantine.reject({ ...where, reason: source.error, record: source.text });
        continue;
      }
      const parsed = messageConversationSchema.safeParse(source.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        quarantine.reject({
          ...where,
          reason: `message conversation schema: ${issue?.path.join('.') || '(record)'}: ${issue?.message}`,
          record: source.value,
        });
        continue;
      }
      // The same conversation twice: the later record wins.
      batch.delete(parsed.data.id);
      batch.set(parsed.data.id, parsed.data);
      if (batch.size >= MESSAGE_BATCH) await write();
    }
  }
  await write();
  return out;
}
