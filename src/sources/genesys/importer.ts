import { createHash } from 'node:crypto';
import type { CaseflowConfig } from '../../config/index.ts';
import type { Survey } from '../../eventlog/index.ts';
import {
  type Pseudonymizer,
  preparePseudonymization,
  pseudonymizeGenesysRecord,
} from '../../privacy/index.ts';
import type { GenesysMessages, Store, StoredConversation, StoredVersion } from '../../store/index.ts';
import type { Quarantine } from '../quarantine.ts';
import { locate, type SourceRecord } from '../records.ts';
import { compareDerived, deriveConversation, RecordError } from './derive.ts';
import { conversationSchema, embeddedSurveySchema, type GenesysConversation } from './schema.ts';
import { genesysSupportFacts } from './support.ts';

/** What an import or sync did with the records it read. */
export interface ImportCounts {
  /** Valid conversation records read (including versions older than the stored one). */
  conversations: number;
  /** Conversations not stored before. */
  added: number;
  /** Stored conversations replaced by a newer version. */
  updated: number;
  /** Records identical to the stored version: nothing written, LastDataUpdate kept. */
  unchanged: number;
  /** Records skipped because the store already holds a newer version of the conversation. */
  olderVersions: number;
  /** Records derived with warnings, and the warnings by kind. */
  warnings: number;
  warningDetails: Record<string, number>;
  /** Survey results carried inside conversation records (`surveys`). */
  surveys: number;
}

export const emptyCounts = (): ImportCounts => ({
  conversations: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  olderVersions: 0,
  warnings: 0,
  warningDetails: {},
  surveys: 0,
});

/**
 * The one way Genesys conversation records get into the store, from files or from the API: validates
 * each record (bad ones to the quarantine), keeps the newest version of each conversation, skips
 * identical ones, and writes what changed in batches — each batch in one transaction, with the meta
 * entries (a sync checkpoint) that must commit along with it. A dry run counts without writing.
 */
export class ConversationImporter {
  readonly counts: ImportCounts;
  private pending = new Map<string, StoredConversation & { surveys: Survey[] }>();

  private constructor(
    private readonly store: Store,
    private readonly config: CaseflowConfig,
    readonly quarantine: Quarantine,
    /** When these records were extracted (LastDataUpdate). */
    private readonly lastDataUpdate: number,
    private readonly versions: Map<string, StoredVersion>,
    private readonly dryRun: boolean,
    counts: ImportCounts,
    /** Rewrites the customer's identifiers of each record (privacy.pseudonymize); null: kept in clear. */
    readonly pseudonymizer: Pseudonymizer | null,
  ) {
    this.counts = structuredClone(counts);
  }

  static async open(
    store: Store,
    config: CaseflowConfig,
    quarantine: Quarantine,
    lastDataUpdate: number,
    /** counts: where a resumed run had got to; env: where CASEFLOW_PSEUDONYMIZE_KEY is read. */
    options: { dryRun?: boolean; counts?: ImportCounts; env?: NodeJS.ProcessEnv } = {},
  ): Promise<ConversationImporter> {
    // Refuses a missing key or a mode other than the stored data's before anything is written.
    const pseudonymizer = await preparePseudonymization(store, config, options.env, {
      record: !options.dryRun,
    });
    const versions = await store.versions();
    return new ConversationImporter(
      store,
      config,
      quarantine,
      lastDataUpdate,
      versions,
      options.dryRun ?? false,
      options.counts ?? emptyCounts(),
      pseudonymizer,
    );
  }

  /** Conversations waiting for the next flush. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The conversations the next flush writes: those added or updated since the last one, in order. */
  pendingConversations(): readonly StoredConversation[] {
    return [...this.pending.values()];
  }

  accept(source: SourceRecord): void {
    const accepted = acceptConversation(
      source,
      this.config,
      this.quarantine,
      this.lastDataUpdate,
      this.pseudonymizer,
    );
    if (!accepted) return;
    const counts = this.counts;
    counts.conversations += 1;
    if (accepted.warnings.length) {
      counts.warnings += 1;
      for (const w of accepted.warnings) counts.warningDetails[w] = (counts.warningDetails[w] ?? 0) + 1;
    }
    const id = accepted.facts.conversationId;
    const stored = this.versions.get(id);
    if (stored?.hash === accepted.hash) {
      counts.unchanged += 1;
      return;
    }
    if (stored && !isNewer(accepted, stored)) {
      counts.olderVersions += 1;
      return;
    }
    if (stored || this.pending.has(id)) counts.updated += 1;
    else counts.added += 1;
    this.versions.set(id, {
      complete: accepted.complete,
      versionTime: accepted.versionTime,
      hash: accepted.hash,
    });
    // A newer version in the same batch replaces the older one, its surveys included.
    counts.surveys += accepted.surveys.length - (this.pending.get(id)?.surveys.length ?? 0);
    this.pending.set(id, accepted);
  }

  /**
   * Writes the pending conversations, with the Genesys messages read for them and `meta`, in one
   * transaction.
   */
  async flush(meta?: Record<string, string>, messages?: GenesysMessages): Promise<void> {
    const batch = [...this.pending.values()];
    const surveys = batch.flatMap((c) => c.surveys);
    this.pending = new Map();
    if (this.dryRun) return;
    if (batch.length) await this.store.markRegroupPending();
    await this.store.saveConversations(batch, { surveys, meta, messages });
  }

  /** Whether anything was written that the cases and events must be regrouped for. */
  get changed(): boolean {
    return this.counts.added + this.counts.updated + this.counts.surveys > 0;
  }
}

/**
 * A version replaces the stored one when it has ended and the stored has not; otherwise when it mentions
 * a time as late or later (an equal time with different content: the last import wins).
 */
function isNewer(incoming: { complete: boolean; versionTime: number }, stored: StoredVersion): boolean {
  if (incoming.complete !== stored.complete) return incoming.complete;
  return incoming.versionTime >= stored.versionTime;
}

type Accepted = StoredConversation & { warnings: string[]; surveys: Survey[] };

function acceptConversation(
  source: SourceRecord,
  config: CaseflowConfig,
  quarantine: Quarantine,
  lastDataUpdate: number,
  pseudonymizer: Pseudonymizer | null,
): Accepted | null {
  const where = { file: source.file, line: source.line, index: source.index };
  if (source.error !== undefined) {
    quarantine.reject({ ...where, reason: source.error, record: source.text });
    return null;
  }
  // Pseudonymized before anything keeps it: the raw record, its hash, the derivation, the quarantine.
  const value = pseudonymizer ? pseudonymizeGenesysRecord(source.value, pseudonymizer) : source.value;
  const conversationId = idOf(value);
  const parsed = conversationSchema.safeParse(value);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
      .join('; ');
    quarantine.reject({ ...where, conversationId, reason: `schema: ${reason}`, record: value });
    return null;
  }
  try {
    const record = JSON.stringify(value);
    return {
      ...storedConversation(parsed.data, config, lastDataUpdate),
      surveys: embeddedSurveys(parsed.data),
      record,
      hash: createHash('sha1').update(record).digest('hex'),
      sourceFile: locate(source),
    };
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    quarantine.reject({ ...where, conversationId, reason: error.message, record: value });
    return null;
  }
}

/** Derives a validated record into what the store keeps (the raw text and file are the caller's). */
export function storedConversation(
  record: GenesysConversation,
  config: CaseflowConfig,
  lastDataUpdate: number,
): StoredConversation & { warnings: string[] } {
  const derivation = deriveConversation(record, config.eventlog);
  derivation.events.sort(compareDerived);
  return {
    record: '',
    hash: '',
    sourceFile: '',
    sourceSystem: config.sourceSystem,
    complete: record.conversationEnd !== undefined,
    versionTime: versionTime(record),
    lastDataUpdate,
    facts: derivation.facts,
    events: derivation.events,
    support: genesysSupportFacts(record),
    warnings: derivation.warnings,
  };
}

export function idOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'conversationId' in value) {
    const id = (value as { conversationId: unknown }).conversationId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** The latest time a record mentions: how far the conversation had got when it was extracted. */
export function versionTime(record: GenesysConversation): number {
  let latest = Date.parse(record.conversationEnd ?? record.conversationStart);
  for (const p of record.participants) {
    for (const s of p.sessions) {
      for (const g of s.segments) {
        latest = Math.max(latest, Date.parse(g.segmentEnd ?? g.segmentStart));
      }
    }
  }
  return latest;
}

/**
 * Survey results an analytics record carries (`surveys`, Genesys AnalyticsSurvey): sent at eventTime (else
 * completion); the 0–100 total score, else the 0–10 promoter score, is put on the 1–5 CSAT scale.
 */
function embeddedSurveys(record: GenesysConversation): Survey[] {
  const out: Survey[] = [];
  for (const s of record.surveys ?? []) {
    const parsed = embeddedSurveySchema.safeParse(s);
    if (!parsed.success) continue;
    const sent = parsed.data.eventTime ?? parsed.data.surveyCompletedDate;
    if (sent === undefined) continue;
    const total = parsed.data.oSurveyTotalScore;
    const promoter = parsed.data.surveyPromoterScore;
    const score =
      total !== undefined ? 1 + (4 * total) / 100 : promoter !== undefined ? 1 + (4 * promoter) / 10 : null;
    out.push({
      conversationId: record.conversationId,
      sentDate: Date.parse(sent),
      score: score === null ? null : Math.round(score * 100) / 100,
    });
  }
  return out;
}
