import { createHmac } from 'node:crypto';
import { type IdentifierKind, kindOfKey } from './identifiers.ts';

/**
 * Customer identity across channels (README "Customer journey"). Every identifier key is an identity of its
 * own; identifiers seen together on one interaction join their identities into one customer when their kind
 * may link: the external contact id always, phone numbers, e-mail and messaging addresses when listed in
 * `journey.mergeOn`. Customers are the connected components (union-find over keys).
 *
 * - An interaction belongs to the customer of its primary key: its (smallest) external contact id key, else
 *   its smallest linking key, else its smallest key.
 * - A customer's root key is its smallest external contact id key, else its smallest key; its id is an
 *   opaque name of that root key (`customerId`, e.g. `cus-` and a keyed hash): it reveals no identifier,
 *   not even one the viewer may not see (another division's), and is stable while nothing merges the
 *   customer with another. Every method taking a customer id also takes any of the customer's keys.
 */
export class IdentityIndex {
  private readonly parent = new Map<string, string>();
  /** Of each root: the keys of its component. */
  private readonly members = new Map<string, string[]>();
  /** Of each root: the component's root key (see the class comment). */
  private readonly rootKeys = new Map<string, string>();
  /** The customer ids of root keys, and back: named when first asked (a keyed hash costs). */
  private readonly idOfRootKey = new Map<string, string>();
  private readonly rootKeyOfId = new Map<string, string>();
  /** Whether every root key has its id in rootKeyOfId (ids are resolved). */
  private allNamed = true;
  /** Identifier keys of each conversation, whatever their source (records, support data, journey events). */
  private readonly conversationKeys = new Map<string, Set<string>>();
  /** Identifier keys of each conversation from its synced data (records, support data) only. */
  private readonly syncedKeys = new Map<string, Set<string>>();
  private readonly keyConversations = new Map<string, Set<string>>();
  /** Support contact ids as stored (support_conversations/support_messages.contact_id) by key. */
  private readonly contactIds = new Map<string, Set<string>>();
  private readonly linking: ReadonlySet<IdentifierKind>;

  /** customerId: the (opaque) customer id of a root key; never an identifier key. */
  constructor(
    mergeOn: readonly IdentifierKind[],
    private readonly customerId: (rootKey: string) => string,
  ) {
    this.linking = new Set<IdentifierKind>(['externalContactId', ...mergeOn]);
  }

  /**
   * Records the keys seen together on one interaction (a conversation when conversationId is given);
   * `synced`: from the conversation's synced data (records, support data) rather than journey events.
   */
  addInteraction(keys: readonly string[], conversationId: string | null = null, synced = true): void {
    for (const key of keys) this.addKey(key);
    if (conversationId !== null) {
      const set = setIn(this.conversationKeys, conversationId);
      for (const key of keys) {
        set.add(key);
        setIn(this.keyConversations, key).add(conversationId);
        if (synced) setIn(this.syncedKeys, conversationId).add(key);
      }
      this.link([...set]);
    } else {
      this.link(keys);
    }
  }

  /** A support contact id as stored, and its key. */
  addContactId(contactId: string, key: string): void {
    this.addKey(key);
    setIn(this.contactIds, key).add(contactId);
  }

  has(key: string): boolean {
    return this.parent.has(key);
  }

  /** The customer id of a customer id or identifier key; null when unknown. */
  customerOf(idOrKey: string): string | null {
    const root = this.rootOf(idOrKey);
    return root === null ? null : this.nameOf(this.rootKeys.get(root) ?? root);
  }

  /** Every key of the customer (of a customer id or key): the customer's identifiers. */
  keysOf(idOrKey: string): string[] {
    const root = this.rootOf(idOrKey);
    return root === null ? [] : [...(this.members.get(root) ?? [])].sort();
  }

  /** The primary key of an interaction's keys (see the class comment); null without keys. */
  primaryKey(keys: Iterable<string>): string | null {
    let contact: string | null = null;
    let linking: string | null = null;
    let any: string | null = null;
    for (const key of keys) {
      const kind = kindOfKey(key);
      if (kind === 'externalContactId' && (contact === null || key < contact)) contact = key;
      if (this.linking.has(kind) && (linking === null || key < linking)) linking = key;
      if (any === null || key < any) any = key;
    }
    return contact ?? linking ?? any;
  }

  /** The customer id an interaction with these keys belongs to; null without keys. */
  customerOfInteraction(keys: Iterable<string>): string | null {
    const primary = this.primaryKey(keys);
    return primary === null ? null : this.customerOf(primary);
  }

  /** The conversations of a customer: those carrying one of its keys whose primary key is the customer's. */
  conversationsOf(idOrKey: string): string[] {
    const customerId = this.customerOf(idOrKey);
    if (customerId === null) return [];
    const out = new Set<string>();
    for (const key of this.keysOf(customerId)) {
      for (const conversationId of this.keyConversations.get(key) ?? []) {
        if (out.has(conversationId)) continue;
        if (this.customerOfInteraction(this.conversationKeys.get(conversationId) ?? []) === customerId)
          out.add(conversationId);
      }
    }
    return [...out].sort();
  }

  /** Every key of a conversation, whatever its source. */
  keysOfConversation(conversationId: string): string[] {
    return [...(this.conversationKeys.get(conversationId) ?? [])].sort();
  }

  /** The keys of a conversation from its synced data (records, support data), not its journey events. */
  syncedKeysOfConversation(conversationId: string): string[] {
    return [...(this.syncedKeys.get(conversationId) ?? [])].sort();
  }

  /** The support contact ids (as stored) of some keys. */
  contactIdsOf(keys: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const key of keys) for (const id of this.contactIds.get(key) ?? []) out.add(id);
    return [...out].sort();
  }

  /** Keys whose value (or whole key) contains `text`, at most `limit`, in key order. */
  searchKeys(text: string, limit: number): string[] {
    const found: string[] = [];
    for (const key of this.parent.keys()) {
      if (key.toLowerCase().includes(text)) found.push(key);
    }
    return found.sort().slice(0, limit);
  }

  /** The union-find root of a customer id or key; null when unknown. */
  private rootOf(idOrKey: string): string | null {
    if (this.parent.has(idOrKey)) return this.find(idOrKey);
    if (!this.rootKeyOfId.has(idOrKey) && !this.allNamed) {
      for (const key of this.rootKeys.values()) this.nameOf(key);
      this.allNamed = true;
    }
    const key = this.rootKeyOfId.get(idOrKey);
    if (key === undefined) return null;
    const root = this.find(key);
    return this.rootKeys.get(root) === key ? root : null;
  }

  /** The customer id of a root key. */
  private nameOf(rootKey: string): string {
    let id = this.idOfRootKey.get(rootKey);
    if (id === undefined) {
      id = this.customerId(rootKey);
      this.idOfRootKey.set(rootKey, id);
      this.rootKeyOfId.set(id, rootKey);
    }
    return id;
  }

  private addKey(key: string): void {
    if (this.parent.has(key)) return;
    this.parent.set(key, key);
    this.members.set(key, [key]);
    this.rootKeys.set(key, key);
    this.allNamed = false;
  }

  /** Joins the identities of the keys of one interaction whose kind links. */
  private link(keys: readonly string[]): void {
    const linking = keys.filter((k) => this.linking.has(kindOfKey(k)));
    for (let i = 1; i < linking.length; i++) this.union(linking[0] as string, linking[i] as string);
  }

  private find(key: string): string {
    let root = key;
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root))
      root = up;
    // Path compression.
    for (let node = key; node !== root; ) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private union(a: string, b: string): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    // The smaller component joins the larger one.
    if ((this.members.get(ra)?.length ?? 0) < (this.members.get(rb)?.length ?? 0)) [ra, rb] = [rb, ra];
    const big = this.members.get(ra) ?? [];
    for (const k of this.members.get(rb) ?? []) big.push(k);
    this.parent.set(rb, ra);
    this.members.delete(rb);
    const keyA = this.rootKeys.get(ra) ?? ra;
    const keyB = this.rootKeys.get(rb) ?? rb;
    const kept = betterRootKey(keyA, keyB);
    // The merged customer keeps the id of the kept root key; the other id names no one any more.
    const dropped = kept === keyA ? keyB : keyA;
    const droppedId = this.idOfRootKey.get(dropped);
    if (droppedId !== undefined) this.rootKeyOfId.delete(droppedId);
    this.idOfRootKey.delete(dropped);
    this.rootKeys.set(ra, kept);
    this.rootKeys.delete(rb);
  }
}

/** The set of a map's key, created empty when absent. */
function setIn(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

/** The root key of two merged components: an external contact id key first, then the smallest. */
function betterRootKey(a: string, b: string): string {
  const ca = a.startsWith('contact:');
  const cb = b.startsWith('contact:');
  if (ca !== cb) return ca ? a : b;
  return a < b ? a : b;
}

/**
 * The customer id of a root key: `cus-` and 24 hex digits of an HMAC-SHA256 under the instance's secret,
 * so that nobody holding an id can test guessed identifiers (phone numbers are few) against it.
 */
export function opaqueCustomerId(secret: string): (rootKey: string) => string {
  return (rootKey) => `cus-${createHmac('sha256', secret).update(rootKey).digest('hex').slice(0, 24)}`;
}

/** Whether a string is a customer id (as opaqueCustomerId names them) rather than an identifier key. */
export const isCustomerId = (id: string): boolean => /^cus-[0-9a-f]{24}$/.test(id);
