import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CaseflowConfig, derivationFingerprint } from '../../config/index.ts';
import type { Survey } from '../../eventlog/index.ts';
import type { DirectoryKind, Store } from '../../store/index.ts';
import { Quarantine, type Rejection } from '../quarantine.ts';
import { InputError, listFiles, readRecords } from '../records.ts';
import { ConversationImporter, idOf } from './importer.ts';
import { directorySchema, surveySchema } from './schema.ts';

export interface ImportOptions {
  config: CaseflowConfig;
  users?: string;
  queues?: string;
  wrapUpCodes?: string;
  surveys?: string;
  /** Extraction time stamped as LastDataUpdate; defaults to now. */
  now?: Date;
  onProgress?: (progress: ImportProgress) => void;
  /** Conversations written per transaction. */
  batchSize?: number;
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
  const now = options.now ?? new Date();
  const quarantine = new Quarantine(store.dataDir, 'genesys', now);

  const listed = await listFiles(paths);
  // Directory and survey files met while walking a folder are loaded as such (unless named by option).
  const found = {
    users: [] as string[],
    queues: [] as string[],
    wrapUpCodes: [] as string[],
    surveys: [] as string[],
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
  const importer = await ConversationImporter.open(store, config, quarantine, now.getTime());
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
    quarantineFile: quarantine.count ? quarantine.file : null,
  };
}

type SideFile = 'users' | 'queues' | 'wrapUpCodes' | 'surveys' | 'messages';

const SIDE_FILES: [RegExp, SideFile][] = [
  [/^users\.json(\.gz)?$/i, 'users'],
  [/^queues\.json(\.gz)?$/i, 'queues'],
  [/^wrap-?up-?codes\.json(\.gz)?$/i, 'wrapUpCodes'],
  [/^surveys\.(nd)?jsonl?(\.gz)?$/i, 'surveys'],
  [/^messages\.(nd)?jsonl?(\.gz)?$/i, 'messages'],
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

/** A directory file in the API's list shape {"entities":[{"id","name"}]} (or a plain array of entities). */
export async function readDirectoryFile(file: string): Promise<{ id: string; name?: string }[]> {
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
