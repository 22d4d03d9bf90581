import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { CaseflowConfig } from '../config/index.ts';
import { normalizeAddress } from '../eventlog/index.ts';
import { journeyKeysOf, lookupIdentifier, pseudonymizeCustomer } from '../privacy/pseudonymize.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import {
  eventIdentities,
  type IngestResult,
  ingestEvents,
  listRejected,
  type RejectedEvent,
} from './events.ts';
import {
  buildCustomerIdentifiers,
  contactIdIdentifier,
  IDENTIFIER_KINDS,
  IDENTIFIERS_DERIVATION,
  IDENTIFIERS_META,
  parseKey,
} from './identifiers.ts';
import { IdentityIndex } from './identity.ts';
import { type LoadedInteraction, loadInteractions, present } from './interactions.ts';
import { JourneyStream } from './live.ts';
import {
  CustomerNotFoundError,
  type CustomerSummary,
  type Identifier,
  type Journey,
  type JourneyView,
} from './model.ts';

export interface JourneyServiceOptions {
  store: Store;
  /** The operational store's database: journey events. Without it, the journeys hold the synced data only. */
  db: Kysely<OperationalSchema> | null;
  config: CaseflowConfig;
  clock: Clock;
  /** Where the pseudonymization key is read (CASEFLOW_PSEUDONYMIZE_KEY); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How often a live stream sends a heartbeat and re-reads the journey (synced data), ms; default 15 s. */
  heartbeatMs?: number;
}

/** Journeys hold at most this many interactions unless asked otherwise. */
export const DEFAULT_JOURNEY_LIMIT = 500;

const KIND_ORDER = new Map<string, number>(IDENTIFIER_KINDS.map((k, i) => [k, i]));

interface CachedIndex {
  index: IdentityIndex;
  /** The analytics data versions it was built from. */
  version: string;
  /** The journey-event generation it holds. */
  generation: number;
}

/**
 * The customer journey (README "Customer journey"): identities, journeys, journey events, live streams.
 * The identity index is built from the stored identifiers and kept in memory until the analytics data
 * changes (a regroup, a support import); journey events received meanwhile are added to it as they arrive.
 */
export class JourneyService {
  readonly clock: Clock;
  readonly heartbeatMs: number;
  private readonly changes = new EventEmitter();
  private cached: CachedIndex | null = null;
  private building: { version: string; generation: number; promise: Promise<IdentityIndex> } | null = null;
  /** Raised by every ingestion that stored events. */
  private generation = 0;
  private derived: Promise<void> | null = null;

  constructor(private readonly options: JourneyServiceOptions) {
    this.clock = options.clock;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.changes.setMaxListeners(0);
  }

  get acceptsEvents(): boolean {
    return this.options.db !== null;
  }

  /**
   * Derives customer_identifiers once when the store's were derived otherwise or not at all (data imported
   * by an earlier version: every regroup derives them afterwards), on a connection of its own.
   */
  private identifiersReady(): Promise<void> {
    this.derived ??= (async () => {
      const store = this.options.store;
      if ((await store.getMeta(IDENTIFIERS_META)) === IDENTIFIERS_DERIVATION) return;
      const own = await store.fork();
      try {
        await own.db.transaction(() => buildCustomerIdentifiers(own.db));
      } finally {
        own.close();
      }
    })().catch((error: unknown) => {
      this.derived = null;
      throw error;
    });
    return this.derived;
  }

  /** The identity index of the current data. */
  async identity(): Promise<IdentityIndex> {
    await this.identifiersReady();
    const store = this.options.store;
    const version = `${await store.dataVersion('default')}|${await store.dataVersion('support')}`;
    const generation = this.generation;
    if (this.cached?.version === version && this.cached.generation === generation) return this.cached.index;
    if (this.building?.version === version && this.building.generation === generation)
      return this.building.promise;
    const promise = this.buildIndex().then((index) => {
      this.cached = { index, version, generation };
      return index;
    });
    const building = { version, generation, promise };
    this.building = building;
    promise
      .finally(() => {
        if (this.building === building) this.building = null;
      })
      .catch(() => {});
    return promise;
  }

  private async buildIndex(): Promise<IdentityIndex> {
    const index = new IdentityIndex(this.options.config.journey.mergeOn);
    const duck = this.options.store.db;
    const [records, support, notifications, events] = await Promise.all([
      duck.all<{ id: string; keys: string[] }>(`
        SELECT conversation_id AS id, list(DISTINCT key ORDER BY key) AS keys
        FROM customer_identifiers GROUP BY conversation_id`),
      duck.all<{ id: string; contact_id: string }>(`
        SELECT DISTINCT conversation_id AS id, contact_id FROM support_conversations
        WHERE origin = 'import' AND contact_id IS NOT NULL
        UNION
        SELECT DISTINCT conversation_id, contact_id FROM support_messages
        WHERE origin = 'import' AND contact_id IS NOT NULL AND coalesce(conversation_id, '') <> ''`),
      duck.all<{ contact_id: string }>(`
        SELECT DISTINCT contact_id FROM support_messages
        WHERE coalesce(conversation_id, '') = '' AND direction = 'outbound'
          AND coalesce(sender_type, '') <> 'agent' AND contact_id IS NOT NULL`),
      this.options.db ? eventIdentities(this.options.db) : [],
    ]);
    for (const r of records) index.addInteraction(r.keys, r.id);
    for (const s of support) {
      const key = contactIdIdentifier(s.contact_id)?.key;
      if (!key) continue;
      index.addContactId(s.contact_id, key);
      index.addInteraction([key], s.id);
    }
    for (const n of notifications) {
      const key = contactIdIdentifier(n.contact_id)?.key;
      if (!key) continue;
      index.addContactId(n.contact_id, key);
      index.addInteraction([key]);
    }
    for (const e of events) index.addInteraction(e.keys, e.conversationId);
    return index;
  }

  /** The customer's interactions the view may see; CustomerNotFoundError when there are none. */
  private async load(
    key: string,
    view: JourneyView,
    webLimit: number,
  ): Promise<{ customerId: string; members: string[]; loaded: LoadedInteraction[] }> {
    const index = await this.identity();
    const customerId = index.customerOf(key);
    if (customerId === null) throw new CustomerNotFoundError(key);
    const loaded = await loadInteractions(
      { store: this.options.store, db: this.options.db, index, now: this.clock.now(), webLimit },
      customerId,
      view,
    );
    // A customer of whom the viewer sees nothing (other divisions) is unknown to them.
    if (loaded.length === 0) throw new CustomerNotFoundError(key);
    return { customerId, members: index.keysOf(customerId), loaded };
  }

  /** The customer and every identifier seen on the interactions the view may see. */
  async customer(key: string, view: JourneyView): Promise<{ id: string; identifiers: Identifier[] }> {
    const { customerId, members, loaded } = await this.load(key, view, DEFAULT_JOURNEY_LIMIT);
    return { id: customerId, identifiers: identifiersOf(members, loaded) };
  }

  /** The customer's interactions, newest first, as the view may see them. */
  async journey(key: string, view: JourneyView, limit = DEFAULT_JOURNEY_LIMIT): Promise<Journey> {
    const { customerId, members, loaded } = await this.load(key, view, limit);
    return {
      customer: { id: customerId, identifiers: view.identifiers ? identifiersOf(members, loaded) : null },
      asOf: new Date(this.clock.now()).toISOString(),
      items: loaded.slice(0, limit).map((l) => present(l.interaction, view)),
    };
  }

  /** The customer id of an identifier key; null when unknown. */
  async customerIdOf(key: string): Promise<string | null> {
    return (await this.identity()).customerOf(key);
  }

  /**
   * Customers by identifier (`q`: an identifier key, a phone number, e-mail or messaging address, an
   * external contact id — or part of one when identifiers are not pseudonymized) or by conversation,
   * most recently seen first; only customers the view sees something of.
   */
  async customers(
    query: { q?: string | undefined; conversationId?: string | undefined; limit: number },
    view: JourneyView,
  ): Promise<CustomerSummary[]> {
    const index = await this.identity();
    const candidates = query.conversationId
      ? [index.customerOfInteraction(index.keysOfConversation(query.conversationId))]
      : this.matching(index, query.q ?? '');
    const out: CustomerSummary[] = [];
    // Loaded a page at a time, as some candidates may be out of the viewer's divisions; ten pages at most.
    const unique = [...new Set(candidates)].filter((c): c is string => c !== null).slice(0, 10 * query.limit);
    for (let i = 0; i < unique.length && out.length < query.limit; i += query.limit) {
      const page = await Promise.all(
        unique.slice(i, i + query.limit).map((customerId) =>
          this.load(customerId, view, DEFAULT_JOURNEY_LIMIT).catch((error: unknown) => {
            if (error instanceof CustomerNotFoundError) return null;
            throw error;
          }),
        ),
      );
      for (const found of page) {
        if (!found || out.length >= query.limit) continue;
        // The case view opens the journey of a conversation it shows: the conversation must be visible.
        if (query.conversationId && !found.loaded.some((l) => l.interaction.id === query.conversationId))
          continue;
        out.push({
          id: found.customerId,
          identifiers: view.identifiers ? identifiersOf(found.members, found.loaded) : null,
          lastInteractionAt: found.loaded[0]?.interaction.startedAt ?? null,
        });
      }
    }
    return out.sort((a, b) => ((a.lastInteractionAt ?? '') > (b.lastInteractionAt ?? '') ? -1 : 1));
  }

  /** Customer ids whose identifiers match the text: exact matches first, then partial ones. */
  private matching(index: IdentityIndex, q: string): string[] {
    const text = q.trim();
    if (!text) return [];
    const keys: string[] = [];
    if (parseKey(text) && index.has(text)) keys.push(text);
    const { config, env } = this.options;
    for (const key of journeyKeysOf(lookupIdentifier(text, config, env))) if (index.has(key)) keys.push(key);
    // Pseudonyms cannot be searched by part of an identifier.
    if (!config.privacy.pseudonymize)
      keys.push(...index.searchKeys((normalizeAddress(text) ?? text).toLowerCase(), 1000));
    return keys.map((k) => index.customerOf(k)).filter((c): c is string => c !== null);
  }

  /** Validates and stores journey events (see events.ts); live streams of their customers are told. */
  async ingest(inputs: readonly unknown[], divisions: readonly string[] | 'all'): Promise<IngestResult> {
    const db = this.requireDb();
    const { config, env } = this.options;
    const { result, stored } = await ingestEvents(db, inputs, {
      now: this.clock.now(),
      defaultDivision: config.divisions.default,
      divisions,
      storedCustomer: (customer) => pseudonymizeCustomer(customer, config, env),
    });
    if (stored.length === 0) return result;
    this.generation += 1;
    if (this.cached && this.cached.generation === this.generation - 1) {
      for (const e of stored) this.cached.index.addInteraction(e.keys, e.conversationId);
      this.cached.generation = this.generation;
    }
    const index = await this.identity();
    const customers = new Set(
      stored.map((e) =>
        index.customerOfInteraction(e.conversationId ? index.keysOfConversation(e.conversationId) : e.keys),
      ),
    );
    this.changes.emit('customers', customers);
    return result;
  }

  async rejected(options: { limit: number; before?: number | undefined }): Promise<RejectedEvent[]> {
    return listRejected(this.requireDb(), options);
  }

  /** Calls `listener` with the customer ids that journey events were stored for; returns the unsubscription. */
  onCustomersChanged(listener: (customers: ReadonlySet<string | null>) => void): () => void {
    this.changes.on('customers', listener);
    return () => this.changes.off('customers', listener);
  }

  /**
   * A live stream of a customer's journey (checked first: CustomerNotFoundError), started once the caller
   * has its response open.
   */
  async openStream(key: string, view: JourneyView): Promise<JourneyStream> {
    const initial = await this.journey(key, view);
    return new JourneyStream(this, key, view, initial);
  }

  private requireDb(): Kysely<OperationalSchema> {
    if (!this.options.db) throw new Error('journey events need the operational store');
    return this.options.db;
  }
}

/** The identifiers among the customer's keys seen on these interactions, with when and how often. */
function identifiersOf(members: readonly string[], loaded: readonly LoadedInteraction[]): Identifier[] {
  const wanted = new Set(members);
  const seen = new Map<string, { first: string; last: string; count: number }>();
  for (const { interaction, keys } of loaded) {
    const at = interaction.startedAt;
    for (const key of new Set(keys)) {
      if (!wanted.has(key)) continue;
      const s = seen.get(key);
      if (!s) seen.set(key, { first: at, last: at, count: 1 });
      else {
        if (at < s.first) s.first = at;
        if (at > s.last) s.last = at;
        s.count += 1;
      }
    }
  }
  const out: Identifier[] = [];
  for (const [key, s] of seen) {
    const parsed = parseKey(key);
    if (!parsed) continue;
    out.push({ ...parsed, firstSeen: s.first, lastSeen: s.last, interactions: s.count });
  }
  return out.sort(
    (a, b) =>
      (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
