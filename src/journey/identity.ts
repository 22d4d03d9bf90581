import { type IdentifierKind, kindOfKey } from './identifiers.ts';

/**
 * Customer identity across channels (README "Customer journey"). Every identifier key is an identity of its
 * own; identifiers seen together on one interaction join their identities into one customer when their kind
 * may link: the external contact id always, phone numbers, e-mail and messaging addresses when listed in
 * `journey.mergeOn`. Customers are the connected components (union-find over keys).
 *
 * - An interaction belongs to the customer of its primary key: its (smallest) external contact id key, else
 *   its smallest linking key, else its smallest key.
 * - A customer's id is its smallest external contact id key, else its smallest key: stable while nothing
 *   merges it with another customer; any of its keys resolves to it in any case.
 */
export class IdentityIndex {
  private readonly parent = new Map<string, string>();
  /** Of each root: the keys of its component. */
  private readonly members = new Map<string, string[]>();
  /** Of each root: the component's id. */
  private readonly canonical = new Map<string, string>();
  /** Identifier keys of each conversation, whatever their source (records, support data, journey events). */
  private readonly conversationKeys = new Map<string, Set<string>>();
  private readonly keyConversations = new Map<string, Set<string>>();
  /** Support contact ids as stored (support_conversations/support_messages.contact_id) by key. */
  private readonly contactIds = new Map<string, Set<string>>();
  private readonly linking: ReadonlySet<IdentifierKind>;

  constructor(mergeOn: readonly IdentifierKind[]) {
    this.linking = new Set<IdentifierKind>(['externalContactId', ...mergeOn]);
  }

  /** Records the keys seen together on one interaction (a conversation when conversationId is given). */
  addInteraction(keys: readonly string[], conversationId: string | null = null): void {
    for (const key of keys) this.addKey(key);
    if (conversationId !== null) {
      const set = setIn(this.conversationKeys, conversationId);
      for (const key of keys) {
        set.add(key);
        setIn(this.keyConversations, key).add(conversationId);
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

  /** The customer id of an identifier key; null for an unknown key. */
  customerOf(key: string): string | null {
    if (!this.parent.has(key)) return null;
    return this.canonical.get(this.find(key)) ?? null;
  }

  /** Every key of the customer of this key (the customer's identifiers). */
  keysOf(key: string): string[] {
    if (!this.parent.has(key)) return [];
    return [...(this.members.get(this.find(key)) ?? [])].sort();
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

  /** The customer an interaction with these keys belongs to; null without keys. */
  customerOfInteraction(keys: Iterable<string>): string | null {
    const primary = this.primaryKey(keys);
    return primary === null ? null : this.customerOf(primary);
  }

  /** The conversations of a customer: those carrying one of its keys whose primary key is the customer's. */
  conversationsOf(customerId: string): string[] {
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

  /** Every key of a conversation. */
  keysOfConversation(conversationId: string): string[] {
    return [...(this.conversationKeys.get(conversationId) ?? [])].sort();
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

  private addKey(key: string): void {
    if (this.parent.has(key)) return;
    this.parent.set(key, key);
    this.members.set(key, [key]);
    this.canonical.set(key, key);
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
    this.canonical.set(ra, betterId(this.canonical.get(ra) ?? ra, this.canonical.get(rb) ?? rb));
    this.canonical.delete(rb);
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

/** The customer id of two merged components: an external contact id key first, then the smallest. */
function betterId(a: string, b: string): string {
  const ca = a.startsWith('contact:');
  const cb = b.startsWith('contact:');
  if (ca !== cb) return ca ? a : b;
  return a < b ? a : b;
}
