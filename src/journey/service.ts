import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { CaseflowConfig } from '../config/index.ts';
import { normalizeAddress } from '../eventlog/index.ts';
import { journeyKeysOf, lookupIdentifier, pseudonymizeCustomer } from '../privacy/pseudonymize.ts';
import { installationSecret } from '../privacy/secret.ts';
import type { OperationalSchema, Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import {
  eventIdentities,
  type IngestResult,
  ingestEvents,
  listRejected,
  type RejectedEvent,
  type RejectedViewer,
  webEventCarries,
} from './events.ts';
import {
  buildCustomerIdentifiers,
  contactIdIdentifier,
  IDENTIFIER_KINDS,
  IDENTIFIERS_DERIVATION,
  IDENTIFIERS_META,
  parseKey,
} from './identifiers.ts';
import { IdentityIndex, opaqueCustomerId } from './identity.ts';
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
/** A customer search looks at most at this many matching customers (each is a journey load)… */
export const MAX_SEARCH_CANDIDATES = 50;
/** …loading at most this many at once. */
const SEARCH_CONCURRENCY = 4;
/** The installation secret (src/privacy/secret.ts) customer ids are keyed hashes under. */
export const CUSTOMER_ID_SECRET = 'customer-id';

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
  private secret: Promise<string> | null = null;

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

  /**
   * The secret customer ids are keyed under: the installation's (operational store), so that ids survive
   * restarts; without the operational store, one of this process.
   */
  private customerIdSecret(): Promise<string> {
    const db = this.options.db;
    this.secret ??= (
      db ? installationSecret(db, CUSTOMER_ID_SECRET) : Promise.resolve(randomBytes(48).toString('base64url'))
    ).catch((error: unknown) => {
      this.secret = null;
      throw error;
    });
    return this.secret;
  }

  private async buildIndex(): Promise<IdentityIndex> {
    const index = new IdentityIndex(
      this.options.config.journey.mergeOn,
      opaqueCustomerId(await this.customerIdSecret()),
    );
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
    for (const e of events) index.addInteraction(e.keys, e.conversationId, false);
    return index;
  }

  /**
   * The customer's interactions the view may see; CustomerNotFoundError when there are none, or when `id`
   * is an identifier key the viewer sees on none of them (another division's: it names no one to them).
   */
  private async load(id: string, view: JourneyView, webLimit: number): Promise<Loaded> {
    const index = await this.identity();
    const customerId = index.customerOf(id);
    if (customerId === null) throw new CustomerNotFoundError(id);
    const loaded = await loadInteractions(
      { store: this.options.store, db: this.options.db, index, now: this.clock.now(), webLimit },
      customerId,
      view,
    );
    // A customer of whom the viewer sees nothing (other divisions) is unknown to them.
    if (loaded.length === 0) throw new CustomerNotFoundError(id);
    if (index.has(id) && !(await this.sees(id, loaded, view))) throw new CustomerNotFoundError(id);
    return { customerId, members: index.keysOf(customerId), loaded };
  }

  /** Whether the viewer sees an identifier key: on a loaded interaction, or on a web event of theirs. */
  private async sees(key: string, loaded: readonly LoadedInteraction[], view: JourneyView): Promise<boolean> {
    if (loaded.some((l) => l.keys.includes(key))) return true;
    // The customer's oldest web events may be beyond the load's webLimit.
    return this.options.db !== null && webEventCarries(this.options.db, key, view.divisions);
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

  /** The customer id of a customer id or identifier key; null when unknown. */
  async customerIdOf(idOrKey: string): Promise<string | null> {
    return (await this.identity()).customerOf(idOrKey);
  }

  /**
   * Customers by identifier (`q`: an identifier key, a phone number, e-mail or messaging address, an
   * external contact id — or part of one when identifiers are not pseudonymized) or by conversation,
   * most recently seen first; only customers the view sees the matching identifier (or the conversation)
   * of. At most MAX_SEARCH_CANDIDATES matching customers are looked at, SEARCH_CONCURRENCY at a time.
   */
  async customers(
    query: { q?: string | undefined; conversationId?: string | undefined; limit: number },
    view: JourneyView,
  ): Promise<CustomerSummary[]> {
    const index = await this.identity();
    const conversationId = query.conversationId;
    const candidates = conversationId
      ? new Map<string | null, string[]>([
          [index.customerOfInteraction(index.keysOfConversation(conversationId)), []],
        ])
      : this.matching(index, query.q ?? '');
    const ids = [...candidates.keys()].filter((c): c is string => c !== null).slice(0, MAX_SEARCH_CANDIDATES);
    const summary = async (customerId: string): Promise<CustomerSummary | null> => {
      let found: Loaded;
      try {
        found = await this.load(customerId, view, DEFAULT_JOURNEY_LIMIT);
      } catch (error) {
        if (error instanceof CustomerNotFoundError) return null;
        throw error;
      }
      // The case view opens the journey of a conversation it shows: the conversation must be visible;
      // a search matches identifiers the viewer sees only.
      const matches = conversationId
        ? found.loaded.some((l) => l.interaction.id === conversationId)
        : await someAsync(candidates.get(customerId) ?? [], (key) => this.sees(key, found.loaded, view));
      if (!matches) return null;
      return {
        id: found.customerId,
        identifiers: view.identifiers ? identifiersOf(found.members, found.loaded) : null,
        lastInteractionAt: found.loaded[0]?.interaction.startedAt ?? null,
      };
    };
    // Candidates are taken in order; once `limit` are found no more are started: the answer is the first
    // `limit` found, whatever order the loads end in.
    const results: (CustomerSummary | null)[] = [];
    let next = 0;
    let hits = 0;
    const worker = async () => {
      while (next < ids.length && hits < query.limit) {
        const i = next++;
        const found = await summary(ids[i] as string);
        results[i] = found;
        if (found) hits += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEARCH_CONCURRENCY, ids.length) }, worker));
    return results
      .filter((r): r is CustomerSummary => r !== null && r !== undefined)
      .slice(0, query.limit)
      .sort((a, b) => ((a.lastInteractionAt ?? '') > (b.lastInteractionAt ?? '') ? -1 : 1));
  }

  /**
   * The customers whose identifiers match the text — exact matches first, then partial ones — each with
   * the keys that matched.
   */
  private matching(index: IdentityIndex, q: string): Map<string | null, string[]> {
    const text = q.trim();
    const out = new Map<string | null, string[]>();
    if (!text) return out;
    const keys: string[] = [];
    if (parseKey(text) && index.has(text)) keys.push(text);
    const { config, env } = this.options;
    for (const key of journeyKeysOf(lookupIdentifier(text, config, env))) if (index.has(key)) keys.push(key);
    // Pseudonyms cannot be searched by part of an identifier.
    if (!config.privacy.pseudonymize)
      keys.push(...index.searchKeys((normalizeAddress(text) ?? text).toLowerCase(), 1000));
    for (const key of keys) {
      const customerId = index.customerOf(key);
      const matched = out.get(customerId) ?? [];
      if (!matched.includes(key)) matched.push(key);
      out.set(customerId, matched);
    }
    return out;
  }

  /**
   * Validates and stores journey events (see events.ts) sent by a user (their id; the divisions they may
   * write to); live streams of their customers are told.
   */
  async ingest(
    inputs: readonly unknown[],
    sender: { userId: string; divisions: readonly string[] | 'all' },
  ): Promise<IngestResult> {
    const db = this.requireDb();
    const { config, env } = this.options;
    const { result, stored } = await ingestEvents(db, inputs, {
      now: this.clock.now(),
      defaultDivision: config.divisions.default,
      sender: sender.userId,
      divisions: sender.divisions,
      storedCustomer: (customer) => pseudonymizeCustomer(customer, config, env),
    });
    if (stored.length === 0) return result;
    this.generation += 1;
    if (this.cached && this.cached.generation === this.generation - 1) {
      for (const e of stored) this.cached.index.addInteraction(e.keys, e.conversationId, false);
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

  /** The rejected events the viewer may see (see listRejected), newest first. */
  async rejected(
    options: { limit: number; before?: number | undefined },
    viewer: RejectedViewer,
  ): Promise<RejectedEvent[]> {
    return listRejected(this.requireDb(), options, viewer);
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

interface Loaded {
  customerId: string;
  members: string[];
  loaded: LoadedInteraction[];
}

/** Whether the predicate holds for some item (tried one after the other). */
async function someAsync<T>(items: readonly T[], predicate: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await predicate(item)) return true;
  return false;
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
