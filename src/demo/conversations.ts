/**
 * The conversation generator: a small contact-center simulation that yields Genesys Cloud
 * analytics conversation detail records in start-time order, plus the survey sent for some of them.
 *
 * Everything is drawn from seeded `Rng` streams, so the same options always give the same records.
 * Times are integer milliseconds until the record is serialized.
 */
import {
  addWorkingTime,
  DAY,
  DAY_WEIGHT,
  type DayProfile,
  EMAIL,
  HOUR,
  isoDay,
  MESSAGING,
  MINUTE,
  OUTBOUND,
  parisHour,
  parisLocalToUtc,
  parseIsoDay,
  SATURDAY_LIVE,
  SECOND,
  WEEKDAY_LIVE,
} from './calendar.ts';
import {
  type AgentDef,
  asciiSlug,
  buildDirectory,
  type Directory,
  FIRST_NAMES,
  LAST_NAMES,
  type Media,
  ORG_EMAIL,
  ORG_PHONE,
  QUEUE_NAMES,
  type QueueDef,
  REQUEST_TYPES,
  RESOLVING_CODES,
  type RequestType,
  type WrapUpDef,
} from './directory.ts';
import { Rng } from './prng.ts';
import type {
  DemoSurveyRecord,
  GenesysConversationRecord,
  GenesysMetricRecord,
  GenesysParticipantRecord,
  GenesysSegmentRecord,
  GenesysSessionRecord,
} from './types.ts';

export interface GeneratorOptions {
  conversations: number;
  days: number;
  seed: number;
  /** 'YYYY-MM-DD', exclusive end day (UTC). */
  end: string;
}

export interface DemoItem {
  conversation: GenesysConversationRecord;
  survey?: DemoSurveyRecord;
}

// ---------------------------------------------------------------------------------------------
// Internal model

interface Seg {
  type: string;
  s: number;
  e: number | undefined;
  queueId?: string;
  disc?: string;
  code?: string;
  note?: string;
  conference?: boolean;
}

type SessionProps = Omit<
  GenesysSessionRecord,
  'sessionId' | 'mediaType' | 'direction' | 'segments' | 'metrics'
>;

interface Sess {
  id: string;
  media: Media;
  direction: 'inbound' | 'outbound';
  props: SessionProps;
  segs: Seg[];
  /** Agent sessions: queue time before answer (tAnswered). */
  answered?: number;
  rona?: boolean;
  consult?: boolean;
}

interface Part {
  id: string;
  name?: string;
  purpose: string;
  userId?: string;
  ext?: string;
  attrs?: Record<string, string>;
  sessions: Sess[];
}

interface Customer {
  name: string;
  displayName: string;
  phone: string;
  email: string;
  guestId: string;
  ext?: string;
  tier: 'Standard' | 'Premium';
  lastEnd: number;
  lastFamily: string;
  lastCase?: CaseState;
}

interface CaseState {
  srId?: string;
  type: RequestType;
  customer: Customer;
  lastEnd: number;
  resolved: boolean;
  conversations: number;
}

type Kind = Media | 'outbound';

interface Contact {
  customer: Customer;
  kase: CaseState;
  reopen: boolean;
  repeat: boolean;
}

type Next =
  | { kind: 'queue'; queue: QueueDef; t: number }
  | { kind: 'agent'; agent: AgentDef; queue: QueueDef; alertStart: number; consultLeave?: number }
  | { kind: 'end' };

type Outcome = 'end' | 'blindQueue' | 'blindAgent' | 'consult';

interface LegInput {
  contact: Contact;
  /** The customer's session (peer of the agent session). */
  cs: Sess;
  type: RequestType | undefined;
  agent: AgentDef;
  queue: QueueDef;
  alertStart: number;
  /** Fixed alert duration (when the acd segment already ends at the answer). */
  alertDur?: number;
  leg: number;
  misrouted: boolean;
  exclude: Set<string>;
  /** Queue time before the answer (tAnswered). */
  answered?: number;
  /** Consult transfer: when the consulting agent leaves. */
  consultLeave?: number;
}

const UNRESOLVED_SPLIT = ['Rappel prévu', 'Non résolu', 'Escalade N2'] as const;

const TYPE_WEIGHTS: Readonly<Record<Kind, readonly number[]>> = {
  // Billing, Technical, Account, Complaint, Order
  voice: [0.24, 0.32, 0.16, 0.1, 0.18],
  callback: [0.3, 0.25, 0.15, 0.15, 0.15],
  chat: [0.28, 0.3, 0.18, 0.06, 0.18],
  email: [0.22, 0.18, 0.12, 0.22, 0.26],
  message: [0.18, 0.22, 0.14, 0.12, 0.34],
  outbound: [0.3, 0.15, 0.2, 0.05, 0.3],
};

const TYPE_PRESENT: Readonly<Record<Kind, number>> = {
  voice: 0.92,
  callback: 0.95,
  chat: 0.88,
  email: 0.8,
  message: 0.85,
  outbound: 0.9,
};

const RESOLUTION: Readonly<Record<RequestType, number>> = {
  'Billing inquiry': 0.82,
  'Technical support': 0.7,
  'Account management': 0.86,
  'Product complaint': 0.62,
  'Order status': 0.87,
};

const TALK_MEDIAN: Readonly<Record<RequestType, number>> = {
  'Billing inquiry': 250 * SECOND,
  'Technical support': 330 * SECOND,
  'Account management': 220 * SECOND,
  'Product complaint': 380 * SECOND,
  'Order status': 170 * SECOND,
};

const KINDS: readonly Kind[] = ['voice', 'outbound', 'callback', 'chat', 'email', 'message'];
const KIND_MIX_WEEKDAY = [0.5, 0.06, 0.05, 0.12, 0.14, 0.13];
const KIND_MIX_SATURDAY = [0.46, 0, 0.04, 0.12, 0.19, 0.19];
const KIND_MIX_SUNDAY = [0, 0, 0, 0, 0.5, 0.5];

const RESOLVED_NOTES = [
  'Client informé, rien à signaler',
  'Facture corrigée, avoir émis',
  'Procédure envoyée par e-mail',
  'Réinitialisation effectuée',
  'Colis en cours de livraison',
];
const UNRESOLVED_NOTES = [
  'Client rappellera si besoin',
  'Dossier transmis au N2',
  'Client mécontent du délai',
  'En attente de retour du service logistique',
];

const family = (m: Kind): string =>
  m === 'voice' || m === 'callback' || m === 'outbound' ? 'phone' : m === 'message' ? 'guest' : 'email';

const iso = (t: number): string => new Date(t).toISOString();

function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Splits `total` into `n` positive parts (each at least `min`). */
function split(rng: Rng, total: number, n: number, min: number): number[] {
  if (n <= 1) return [total];
  const free = Math.max(0, total - n * min);
  const w: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = 0.3 + rng.next();
    w.push(x);
    sum += x;
  }
  const out = w.map((x) => min + Math.round((free * x) / sum));
  return out;
}

/** Largest-remainder allocation of `n` items proportionally to `weights`. */
function allocate(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total > 0 ? (n * w) / total : 0));
  const counts = exact.map(Math.floor);
  let rest = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    rest--;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// One conversation under construction

class Conv {
  readonly parts: Part[] = [];
  readonly divisions: string[] = [];
  /** Intervals during which the customer is on hold. */
  readonly holds: [number, number][] = [];
  transfers = 0;
  queueTime = 0;
  reachedAgent = false;
  longHold = false;
  finalCode: WrapUpDef | undefined;
  custEnd = 0;
  custDisc = 'endpoint';
  /** Customer lead segment (system, callback, alert) end, when there is one. */
  custConnect = 0;

  constructor(
    readonly rng: Rng,
    readonly media: Media,
    readonly t0: number,
  ) {}

  part(purpose: string, name?: string, userId?: string): Part {
    const p: Part = { id: this.rng.uuid(), purpose, sessions: [] };
    if (name !== undefined) p.name = name;
    if (userId !== undefined) p.userId = userId;
    this.parts.push(p);
    return p;
  }

  session(
    part: Part,
    direction: 'inbound' | 'outbound',
    props: SessionProps,
    media: Media = this.media,
  ): Sess {
    const s: Sess = { id: this.rng.uuid(), media, direction, props, segs: [] };
    part.sessions.push(s);
    return s;
  }

  division(id: string): void {
    if (!this.divisions.includes(id)) this.divisions.push(id);
  }
}

function seg(type: string, s: number, e: number, extra?: Partial<Seg>): Seg {
  return extra === undefined ? { type, s, e } : { type, s, e, ...extra };
}

// ---------------------------------------------------------------------------------------------

class Simulation {
  readonly rng: Rng;
  readonly dir: Directory;
  /** Extraction time: conversations still running then are written as active. */
  readonly extractedAt: number;
  private readonly histT: number[] = [];
  private readonly histC: Customer[] = [];
  private readonly openCases: CaseState[] = [];
  private readonly srCounter = new Map<string, number>();
  private readonly busyUntil = new Map<string, number>();

  constructor(seed: number, extractedAt: number) {
    this.rng = new Rng(seed, 'conversations');
    this.dir = buildDirectory(seed);
    this.extractedAt = extractedAt;
  }

  // --- durations --------------------------------------------------------------------------------

  private dur(median: number, sigma: number, lo: number, hi: number): number {
    return Math.round(this.rng.logNormalIn(median, sigma, lo, hi));
  }

  // --- customers and cases ----------------------------------------------------------------------

  private newCustomer(): Customer {
    const rng = this.rng;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const digits = String(rng.int(100_000_000)).padStart(8, '0');
    const r = rng.next();
    let phone: string;
    let displayName: string;
    if (r < 0.86) {
      phone = `tel:+33${rng.chance(0.8) ? 6 : 7}${digits}`;
      displayName = 'Mobile Number, France';
    } else if (r < 0.95) {
      const area = rng.intBetween(1, 5);
      phone = `tel:+33${area}${digits}`;
      displayName = ['Paris, France', 'Lille, France', 'Lyon, France', 'Marseille, France', 'Nantes, France'][
        area - 1
      ] as string;
    } else if (r < 0.98) {
      phone = `tel:+324${digits}`;
      displayName = 'Mobile Number, Belgium';
    } else {
      phone = `tel:+417${digits.slice(0, 8)}`;
      displayName = 'Mobile Number, Switzerland';
    }
    const domain = rng.weighted(
      ['gmail.com', 'orange.fr', 'hotmail.fr', 'free.fr', 'yahoo.fr', 'sfr.fr', 'outlook.com', 'laposte.net'],
      [30, 18, 12, 10, 8, 8, 8, 6],
    );
    const email = `${asciiSlug(first)}.${asciiSlug(last)}${rng.chance(0.5) ? rng.int(100) : ''}@${domain}`;
    const c: Customer = {
      name: `${first} ${last}`,
      displayName,
      phone,
      email,
      guestId: rng.uuid(),
      tier: rng.chance(0.15) ? 'Premium' : 'Standard',
      lastEnd: 0,
      lastFamily: '',
    };
    if (rng.chance(0.45)) c.ext = rng.uuid();
    return c;
  }

  private newCase(customer: Customer, type: RequestType, t: number): CaseState {
    const kase: CaseState = { type, customer, lastEnd: t, resolved: false, conversations: 0 };
    if (this.rng.chance(0.15)) {
      const day = isoDay(t).replaceAll('-', '');
      const n = (this.srCounter.get(day) ?? 0) + this.rng.intBetween(1, 3);
      this.srCounter.set(day, n);
      kase.srId = `SR-${day}-${String(n).padStart(5, '0')}`;
    }
    return kase;
  }

  private requestType(kind: Kind, t: number): RequestType {
    const w = [...TYPE_WEIGHTS[kind]];
    const dom = new Date(t).getUTCDate();
    if (dom <= 5) w[0] = (w[0] ?? 0) * 1.6; // invoices go out at the start of the month
    return this.rng.weighted(REQUEST_TYPES, w);
  }

  /** A customer who may contact again at t: not in a conversation, reachable on this channel. */
  private acceptable(c: Customer | undefined, t: number, kind: Kind, strict: boolean): c is Customer {
    if (c === undefined || c.lastCase === undefined || c.lastEnd > t - 10 * MINUTE) return false;
    return !strict || c.ext !== undefined || c.lastFamily === family(kind);
  }

  private pickRepeat(t: number, kind: Kind): Customer | undefined {
    const rng = this.rng;
    const weekAgo = lowerBound(this.histT, t - 7 * DAY);
    const within = rng.chance(0.6);
    for (let attempt = 0; attempt < 6; attempt++) {
      const strict = attempt < 4;
      let c: Customer | undefined;
      if (within) {
        if (this.openCases.length > 0 && rng.chance(0.5)) {
          const i = rng.int(this.openCases.length);
          const k = this.openCases[i];
          if (k === undefined || k.resolved || k.lastEnd < t - 7 * DAY || k.customer.lastCase !== k) {
            // stale entry: drop it (swap-remove)
            const lastCase = this.openCases.pop();
            if (lastCase !== undefined && i < this.openCases.length) this.openCases[i] = lastCase;
            continue;
          }
          c = k.customer;
        } else if (weekAgo < this.histT.length) {
          c = this.histC[weekAgo + rng.int(this.histT.length - weekAgo)];
        }
      } else if (weekAgo > 0) {
        c = this.histC[rng.int(weekAgo)];
      }
      if (this.acceptable(c, t, kind, strict)) return c;
    }
    return undefined;
  }

  private contact(t: number, kind: Kind): Contact {
    const rng = this.rng;
    if (kind === 'outbound' && rng.chance(0.65)) {
      // Follow-up call on a case left open ("Rappel prévu", abandon, …).
      for (let attempt = 0; attempt < 6 && this.openCases.length > 0; attempt++) {
        const k = rng.pick(this.openCases);
        if (
          !k.resolved &&
          k.lastEnd > t - 7 * DAY &&
          k.customer.lastCase === k &&
          k.lastEnd < t - 30 * MINUTE
        ) {
          return { customer: k.customer, kase: k, reopen: false, repeat: true };
        }
      }
    }
    const repeat = kind !== 'outbound' && rng.chance(0.2) ? this.pickRepeat(t, kind) : undefined;
    if (repeat?.lastCase !== undefined) {
      const prev = repeat.lastCase;
      const sameCase = t - prev.lastEnd <= 7 * DAY || (prev.srId !== undefined && rng.chance(0.3));
      if (sameCase) return { customer: repeat, kase: prev, reopen: prev.resolved, repeat: true };
      return { customer: repeat, kase: this.newCase(repeat, prev.type, t), reopen: false, repeat: true };
    }
    const customer = this.newCustomer();
    return {
      customer,
      kase: this.newCase(customer, this.requestType(kind, t), t),
      reopen: false,
      repeat: false,
    };
  }

  private attributes(kind: Kind, contact: Contact): Record<string, string> {
    const attrs: Record<string, string> = {};
    const k = contact.kase;
    if (k.srId !== undefined || this.rng.chance(TYPE_PRESENT[kind])) attrs.serviceRequestType = k.type;
    if (k.srId !== undefined) attrs.serviceRequestId = k.srId;
    attrs.customerTier = contact.customer.tier;
    if (kind === 'voice') attrs.langue = 'fr-FR';
    return attrs;
  }

  // --- routing ----------------------------------------------------------------------------------

  private queue(name: string): QueueDef {
    const q = this.dir.queues.get(name);
    if (q === undefined) throw new Error(`unknown queue ${name}`);
    return q;
  }

  /** The queue a request of this type should reach on this channel. */
  private rightQueue(media: Media, type: RequestType | undefined): QueueDef {
    switch (media) {
      case 'voice':
        return this.queue(type === 'Billing inquiry' ? QUEUE_NAMES.billingVoice : QUEUE_NAMES.n1Voice);
      case 'callback':
        return this.queue(QUEUE_NAMES.callbacks);
      case 'chat':
        return this.queue(
          type === 'Billing inquiry' || type === 'Account management'
            ? QUEUE_NAMES.billingChat
            : QUEUE_NAMES.techChat,
        );
      case 'email':
        return this.queue(type === 'Technical support' ? QUEUE_NAMES.techEmail : QUEUE_NAMES.serviceEmail);
      case 'message':
        return this.queue(QUEUE_NAMES.messages);
    }
  }

  /** The other queue of the same channel (misrouting, blind transfers between teams). */
  private otherQueue(q: QueueDef): QueueDef | undefined {
    const pairs: Record<string, string> = {
      [QUEUE_NAMES.n1Voice]: QUEUE_NAMES.billingVoice,
      [QUEUE_NAMES.billingVoice]: QUEUE_NAMES.n1Voice,
      [QUEUE_NAMES.billingChat]: QUEUE_NAMES.techChat,
      [QUEUE_NAMES.techChat]: QUEUE_NAMES.billingChat,
      [QUEUE_NAMES.techEmail]: QUEUE_NAMES.serviceEmail,
      [QUEUE_NAMES.serviceEmail]: QUEUE_NAMES.techEmail,
    };
    const other = pairs[q.name];
    return other === undefined ? undefined : this.queue(other);
  }

  private pickAgent(
    queue: QueueDef,
    type: RequestType | undefined,
    t: number,
    exclude: Set<string>,
  ): AgentDef {
    const members = this.dir.queueAgents.get(queue.name) ?? [];
    let candidates = members.filter((a) => !exclude.has(a.id));
    if (candidates.length === 0) candidates = this.dir.agents.filter((a) => !exclude.has(a.id));
    const weights = candidates.map((a) => {
      const skill = type === undefined ? 3 : (a.skills.get(type) ?? 0.2);
      const free = (this.busyUntil.get(a.id) ?? 0) <= t ? 1 : 0.2;
      return skill * free;
    });
    return this.rng.weighted(candidates, weights);
  }

  // --- timings ----------------------------------------------------------------------------------

  /** Instant an agent is offered the interaction that entered the queue at t. */
  private offerTime(media: Media, queue: QueueDef, t: number, leg: number): number {
    const h = parisHour(t);
    const load =
      0.55 + 0.9 * Math.exp(-(((h - 10.5) / 1.3) ** 2)) + 0.7 * Math.exp(-(((h - 14.5) / 1.4) ** 2));
    const n2 = queue.name === QUEUE_NAMES.n2 ? 2.2 : 1;
    switch (media) {
      case 'voice':
        return t + this.dur(32 * SECOND * load * n2 * (leg > 0 ? 0.8 : 1), 0.95, 2 * SECOND, 25 * MINUTE);
      case 'chat':
        return t + this.dur(40 * SECOND * load * n2, 0.9, 3 * SECOND, 30 * MINUTE);
      case 'callback':
        return addWorkingTime(t, this.dur(18 * MINUTE * load, 0.9, MINUTE, 8 * HOUR));
      case 'message':
        return addWorkingTime(t, this.dur(4 * MINUTE * load * n2, 1.1, 10 * SECOND, 8 * HOUR));
      case 'email':
        return addWorkingTime(t, this.dur(2.5 * HOUR * n2, 0.9, 5 * MINUTE, 40 * HOUR));
    }
  }

  /** How long the customer is ready to wait in queue (Infinity: no abandon). */
  private patience(media: Media, leg: number): number {
    const rng = this.rng;
    const k = leg > 0 ? 2.5 : 1;
    switch (media) {
      case 'voice':
        return 8 * SECOND + rng.exponential(420 * SECOND * k);
      case 'chat':
        return 10 * SECOND + rng.exponential(540 * SECOND * k);
      case 'message':
        // Web messaging is asynchronous: a waiting customer rarely closes the conversation.
        return 20 * MINUTE + rng.exponential(60 * HOUR * k);
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  private alertDuration(media: Media): number {
    switch (media) {
      case 'email':
        return this.dur(12 * SECOND, 0.8, 2 * SECOND, 3 * MINUTE);
      case 'message':
      case 'chat':
        return this.dur(7 * SECOND, 0.6, 1500, 40 * SECOND);
      default:
        return this.dur(5 * SECOND, 0.5, 1200, 25 * SECOND);
    }
  }

  private talkTime(media: Media, type: RequestType | undefined, outcome: Outcome, n2: boolean): number {
    const base = type === undefined ? 260 * SECOND : TALK_MEDIAN[type];
    const k = (outcome === 'end' ? 1 : 0.45) * (n2 ? 1.4 : 1);
    switch (media) {
      case 'voice':
        return this.dur(base * k, 0.55, 25 * SECOND, 50 * MINUTE);
      case 'callback':
        return this.dur(base * 1.1 * k, 0.55, 30 * SECOND, 50 * MINUTE);
      case 'chat':
        return this.dur(8 * MINUTE * k, 0.5, MINUTE, 70 * MINUTE);
      case 'message':
        return this.dur(12 * MINUTE * k, 0.6, MINUTE, 4 * HOUR);
      case 'email':
        return this.dur(6 * MINUTE * k, 0.6, MINUTE, HOUR);
    }
  }

  private acwTime(media: Media): number {
    const median = media === 'voice' || media === 'callback' ? 40 : media === 'chat' ? 30 : 22;
    return this.dur(median * SECOND, 0.6, 3 * SECOND, 10 * MINUTE);
  }

  private holdCount(media: Media): number {
    if (media !== 'voice' && media !== 'callback') return 0;
    return this.rng.weighted([0, 1, 2, 3], [0.62, 0.27, 0.09, 0.02]);
  }

  // --- agent legs -------------------------------------------------------------------------------

  private outcome(c: Conv, leg: number, queue: QueueDef, type: RequestType | undefined, misrouted: boolean) {
    const rng = this.rng;
    const media = c.media;
    if (leg >= 2) return { outcome: 'end' as Outcome };
    const n2 = queue.name === QUEUE_NAMES.n2;
    if (misrouted && leg === 0 && rng.chance(0.7)) {
      return { outcome: 'blindQueue' as Outcome, target: this.rightQueue(media, type) };
    }
    const k = leg === 0 ? 1 : 0.4;
    const escalatable =
      type === 'Technical support' || type === 'Product complaint' || type === 'Billing inquiry';
    const esc = { voice: 0.045, callback: 0.03, chat: 0.035, email: 0.045, message: 0.025 }[media];
    if (!n2 && escalatable && rng.chance(esc * k)) {
      return { outcome: 'blindQueue' as Outcome, target: this.queue(QUEUE_NAMES.n2) };
    }
    const p = {
      voice: [0.05, 0.03, 0.045],
      callback: [0, 0.02, 0.03],
      chat: [0.05, 0.02, 0],
      email: [0.04, 0, 0],
      message: [0, 0.015, 0],
    }[media];
    const x = rng.next();
    const [pq, pa, pc] = [(p[0] ?? 0) * k, (p[1] ?? 0) * k, (p[2] ?? 0) * k];
    if (x < pq) {
      const other = this.otherQueue(queue);
      if (other !== undefined) return { outcome: 'blindQueue' as Outcome, target: other };
    } else if (x < pq + pa) {
      return { outcome: 'blindAgent' as Outcome };
    } else if (x < pq + pa + pc) {
      return { outcome: 'consult' as Outcome };
    }
    return { outcome: 'end' as Outcome };
  }

  /** Pushes interact (and hold) segments from t for `talk` ms of talk; returns the end time. */
  private talkSegments(
    c: Conv,
    s: Sess,
    t: number,
    talk: number,
    holds: number,
    queueId: string,
    extraFirst = 0,
  ): number {
    const pieces = split(this.rng, talk, holds + 1, 5 * SECOND);
    let cur = t;
    for (let i = 0; i < pieces.length; i++) {
      const d = (pieces[i] ?? 0) + (i === 0 ? extraFirst : 0);
      s.segs.push(seg('interact', cur, cur + d, { queueId }));
      cur += d;
      if (i < pieces.length - 1) {
        const h = this.dur(45 * SECOND, 0.7, 5 * SECOND, 10 * MINUTE);
        if (h > 3 * MINUTE) c.longHold = true;
        s.segs.push(seg('hold', cur, cur + h, { queueId }));
        c.holds.push([cur, cur + h]);
        cur += h;
      }
    }
    return cur;
  }

  private wrapUp(c: Conv, s: Sess, t: number, code: WrapUpDef | undefined, queueId: string): number {
    const rng = this.rng;
    const r = rng.next();
    if (r < 0.03) return t; // agent left without after-call work
    const acw = this.acwTime(c.media);
    const w = seg('wrapup', t, t + acw, { queueId });
    if (r >= 0.05 && code !== undefined) {
      w.code = code.id;
      if (rng.chance(0.18)) w.note = rng.pick(code.resolving ? RESOLVED_NOTES : UNRESOLVED_NOTES);
    }
    s.segs.push(w);
    return t + acw;
  }

  private agentProps(c: Conv, contact: Contact, custSess: Sess): SessionProps {
    const props: SessionProps = {};
    if (c.media === 'voice' || c.media === 'callback') {
      props.ani = contact.customer.phone;
      props.dnis = ORG_PHONE;
    } else if (c.media === 'message') {
      props.messageType = 'webmessaging';
    }
    props.peerId = custSess.id;
    props.requestedRoutings = ['Standard'];
    props.usedRouting = 'Standard';
    return props;
  }

  private finalCode(type: RequestType | undefined, n2: boolean, repeat: boolean): WrapUpDef | undefined {
    const rng = this.rng;
    const p = (type === undefined ? 0.78 : RESOLUTION[type]) * (n2 ? 1.15 : 1) + (repeat ? 0.05 : 0);
    if (rng.chance(p)) {
      const name = type === undefined ? 'Information fournie' : rng.pick(RESOLVING_CODES[type]);
      return this.dir.wrapUps.get(name);
    }
    const name = n2
      ? rng.weighted(UNRESOLVED_SPLIT, [0.5, 0.5, 0])
      : rng.weighted(UNRESOLVED_SPLIT, [0.45, 0.4, 0.15]);
    return this.dir.wrapUps.get(name);
  }

  /**
   * One agent's handling of the interaction: alert → interact → [hold → interact]* → (transfer | end)
   * → wrapup. Returns what happens next.
   */
  private agentLeg(c: Conv, x: LegInput): Next {
    const rng = this.rng;
    const media = c.media;
    const { contact, type, agent, queue, alertStart, leg, exclude, consultLeave } = x;
    const custSess = x.cs;
    const answered = x.answered;
    const n2 = queue.name === QUEUE_NAMES.n2 || agent.team.name === 'Équipe Expertise N2';
    const p = c.part('agent', agent.name, agent.id);
    const s = c.session(
      p,
      media === 'callback' ? 'outbound' : 'inbound',
      this.agentProps(c, contact, custSess),
    );
    if (answered !== undefined) s.answered = answered;
    exclude.add(agent.id);
    c.division(queue.division.id);
    const alertEnd = alertStart + (x.alertDur ?? this.alertDuration(media));
    s.segs.push(seg('alert', alertStart, alertEnd, { queueId: queue.id }));
    c.reachedAgent = true;

    const decided = this.outcome(c, leg, queue, type, x.misrouted);
    let outcome = decided.outcome;
    if (consultLeave !== undefined && outcome === 'consult') outcome = 'end';

    // Callbacks: the first agent dials; the customer may not answer.
    let ringing = 0;
    if (media === 'callback' && c.custConnect <= c.t0) {
      ringing = this.dur(12 * SECOND, 0.5, 4 * SECOND, 40 * SECOND);
      c.custConnect = alertEnd + ringing;
      if (rng.chance(0.1)) {
        const end = alertEnd + ringing + this.dur(20 * SECOND, 0.3, 10 * SECOND, 40 * SECOND);
        s.segs.push(seg('interact', alertEnd, end, { queueId: queue.id, disc: 'client' }));
        c.custConnect = end;
        c.custEnd = end;
        c.custDisc = 'peer';
        const code = this.dir.wrapUps.get(rng.chance(0.7) ? 'Rappel prévu' : 'Non résolu');
        c.finalCode = code;
        this.busyUntil.set(agent.id, this.wrapUp(c, s, end, code, queue.id));
        c.reachedAgent = false;
        return { kind: 'end' };
      }
    }

    const talk = this.talkTime(media, type, outcome, n2);
    const extraFirst = ringing + (consultLeave !== undefined ? Math.max(0, consultLeave - alertEnd) : 0);
    let t = this.talkSegments(c, s, alertEnd, talk, this.holdCount(media), queue.id, extraFirst);
    let next: Next = { kind: 'end' };
    let code: WrapUpDef | undefined;

    if (outcome === 'consult') {
      // Customer on hold while the agent consults a colleague (or an expert), then a short
      // three-way introduction and the first agent leaves.
      const targetQueue = type !== undefined && !n2 && rng.chance(0.3) ? this.queue(QUEUE_NAMES.n2) : queue;
      const target = this.pickAgent(this.rightQueueOrSame(targetQueue, media, type), type, t, exclude);
      const hold = this.dur(70 * SECOND, 0.5, 25 * SECOND, 6 * MINUTE);
      s.segs.push(seg('hold', t, t + hold, { queueId: queue.id }));
      c.holds.push([t, t + hold]);
      const targetAlert = t + rng.intBetween(2 * SECOND, 6 * SECOND);
      t += hold;
      const intro = this.dur(20 * SECOND, 0.5, 5 * SECOND, 90 * SECOND);
      s.segs.push(seg('interact', t, t + intro, { queueId: queue.id, conference: true }));
      t += intro;
      s.consult = true;
      code = this.dir.wrapUps.get(targetQueue.name === QUEUE_NAMES.n2 ? 'Escalade N2' : 'Transféré');
      next = { kind: 'agent', agent: target, queue: targetQueue, alertStart: targetAlert, consultLeave: t };
    } else if (outcome === 'blindAgent') {
      const targetQueue = this.rightQueue(media, type);
      const target = this.pickAgent(targetQueue, type, t, exclude);
      code = this.dir.wrapUps.get('Transféré');
      next = { kind: 'agent', agent: target, queue: targetQueue, alertStart: t + rng.intBetween(800, 3000) };
    } else if (outcome === 'blindQueue' && decided.target !== undefined) {
      code = this.dir.wrapUps.get(decided.target.name === QUEUE_NAMES.n2 ? 'Escalade N2' : 'Transféré');
      next = { kind: 'queue', queue: decided.target, t: t + rng.intBetween(300, 1500) };
    } else {
      outcome = 'end';
      code = this.finalCode(type, n2, contact.repeat);
      c.finalCode = code;
    }

    const last = s.segs[s.segs.length - 1];
    if (last !== undefined) {
      if (outcome === 'end') {
        // Who hung up / closed: the customer most of the time on voice; the agent on e-mail.
        const customerLeft = media === 'email' ? false : rng.chance(media === 'voice' ? 0.65 : 0.45);
        last.disc = customerLeft ? 'peer' : 'client';
        c.custEnd = t;
        c.custDisc = customerLeft
          ? media === 'voice' || media === 'callback'
            ? 'endpoint'
            : 'client'
          : 'peer';
      } else {
        last.disc = 'transfer';
        c.transfers++;
      }
    }
    this.busyUntil.set(agent.id, this.wrapUp(c, s, t, code, queue.id));
    return next;
  }

  private rightQueueOrSame(q: QueueDef, media: Media, type: RequestType | undefined): QueueDef {
    return q.name === QUEUE_NAMES.n2 ? q : this.rightQueue(media, type);
  }

  // --- conversation scenarios --------------------------------------------------------------------

  private customerProps(media: Media, cu: Customer): SessionProps {
    switch (media) {
      case 'voice':
        return { ani: cu.phone, dnis: ORG_PHONE, provider: 'Edge' };
      case 'callback':
        return { ani: cu.phone, callbackNumbers: [cu.phone], callbackUserName: cu.name };
      case 'chat':
        return {
          addressFrom: cu.email,
          addressTo: 'Chat web - caseflow-demo.fr',
          roomId: `${this.rng.uuid()}@conference.caseflow-demo.fr`,
        };
      case 'email':
        return { addressFrom: cu.email, addressTo: ORG_EMAIL };
      case 'message':
        return {
          messageType: 'webmessaging',
          addressFrom: cu.guestId,
          addressTo: this.dir.messagingDeploymentId,
        };
    }
  }

  private customerName(media: Media, cu: Customer): string {
    if (media === 'voice' || media === 'callback') return cu.ext !== undefined ? cu.name : cu.displayName;
    if (media === 'message') return cu.ext !== undefined ? cu.name : 'Visiteur web';
    return cu.name;
  }

  private inbound(media: Media, t0: number, contact: Contact): Conv {
    const rng = this.rng;
    const c = new Conv(rng, media, t0);
    const cu = contact.customer;
    const cust = c.part('customer', this.customerName(media, cu));
    if (cu.ext !== undefined) cust.ext = cu.ext;
    const attrs = this.attributes(media, contact);
    cust.attrs = attrs;
    const type = attrs.serviceRequestType as RequestType | undefined;
    const cs = c.session(cust, 'inbound', this.customerProps(media, cu));
    c.custDisc = media === 'voice' || media === 'callback' ? 'endpoint' : 'client';
    let t = t0;
    c.custConnect = t0;
    const finish = (end: number, disc: string) => {
      c.custEnd = end;
      c.custDisc = disc;
      this.customerSegments(
        c,
        cs,
        media === 'voice' ? 'system' : media === 'callback' ? 'callback' : undefined,
      );
      return c;
    };

    const right = this.rightQueue(media, type);
    let first = right;
    let misrouted = false;
    if ((media === 'voice' || media === 'chat') && rng.chance(0.07)) {
      const other = this.otherQueue(right);
      if (other !== undefined) {
        first = other;
        misrouted = true;
      }
    }

    if (media === 'voice') {
      c.custConnect = t0 + rng.intBetween(150, 400);
      const ivr = c.part('ivr', this.dir.ivrFlow.name);
      const is = c.session(ivr, 'inbound', {
        ani: cu.phone,
        dnis: ORG_PHONE,
        peerId: cs.id,
        flow: {
          flowId: this.dir.ivrFlow.id,
          flowName: this.dir.ivrFlow.name,
          flowType: 'INBOUNDCALL',
          flowVersion: '12.0',
          startingLanguage: 'fr-fr',
          endingLanguage: 'fr-fr',
          entryType: 'dnis',
          entryReason: ORG_PHONE,
        },
      });
      const sysEnd = t0 + rng.intBetween(30, 90);
      const ivrEnd = t0 + this.dur(40 * SECOND, 0.45, 10 * SECOND, 4 * MINUTE);
      is.segs.push(seg('system', t0, sysEnd), seg('ivr', sysEnd, ivrEnd));
      const flow = is.props.flow;
      const last = is.segs[1];
      if (rng.chance(0.025) || last === undefined || flow === undefined) {
        if (last !== undefined) last.disc = 'peer';
        if (flow !== undefined) flow.exitReason = 'DISCONNECT';
        c.division(this.dir.divisions.main.id);
        return finish(ivrEnd, 'endpoint');
      }
      last.disc = 'transfer';
      flow.exitReason = 'TRANSFER';
      flow.transferType = 'ACD';
      flow.transferTargetName = first.name;
      flow.transferTargetAddress = first.id;
      t = ivrEnd + rng.intBetween(5, 30);
    } else if (media === 'message' && rng.chance(0.45)) {
      const bot = c.part('workflow', this.dir.botFlow.name);
      const bs = c.session(bot, 'inbound', {
        messageType: 'webmessaging',
        peerId: cs.id,
        flow: {
          flowId: this.dir.botFlow.id,
          flowName: this.dir.botFlow.name,
          flowType: 'INBOUNDSHORTMESSAGE',
          flowVersion: '7.0',
        },
      });
      const botEnd = t0 + this.dur(75 * SECOND, 0.5, 15 * SECOND, 10 * MINUTE);
      const contained = rng.chance(0.12);
      bs.segs.push(seg('interact', t0, botEnd, { disc: contained ? 'peer' : 'transfer' }));
      const flow = bs.props.flow;
      if (flow !== undefined) {
        flow.exitReason = contained ? 'DISCONNECT' : 'TRANSFER';
        if (!contained) {
          flow.transferType = 'ACD';
          flow.transferTargetName = first.name;
          flow.transferTargetAddress = first.id;
        }
      }
      if (contained) {
        c.division(this.dir.divisions.main.id);
        return finish(botEnd, 'client');
      }
      t = botEnd + rng.intBetween(5, 50);
    }

    const exclude = new Set<string>();
    let next: Next = { kind: 'queue', queue: first, t };
    let leg = 0;
    while (next.kind !== 'end') {
      if (next.kind === 'queue') {
        const queue = next.queue;
        const tEnter = next.t;
        c.division(queue.division.id);
        const acd = c.part('acd', queue.name);
        const as = c.session(acd, 'inbound', {
          ...(media === 'voice' ? { ani: cu.phone, dnis: ORG_PHONE } : {}),
          peerId: cs.id,
          requestedRoutings: ['Standard'],
          usedRouting: 'Standard',
          ...(media === 'voice'
            ? {
                flow: {
                  flowId: this.dir.inQueueFlow.id,
                  flowName: this.dir.inQueueFlow.name,
                  flowType: 'INQUEUECALL',
                  flowVersion: '3.0',
                },
              }
            : {}),
        });
        const delayEnd = tEnter + rng.intBetween(5, 40);
        as.segs.push(seg('delay', tEnter, delayEnd, { queueId: queue.id }));
        let offer = this.offerTime(media, queue, delayEnd, leg);
        const patience = this.patience(media, leg);
        const cancelled = media === 'callback' && rng.chance(0.03);
        if (cancelled || delayEnd + patience < offer) {
          const end = cancelled ? offer : delayEnd + Math.round(patience);
          as.segs.push(seg('interact', delayEnd, end, { queueId: queue.id, disc: 'peer' }));
          c.queueTime += end - tEnter;
          return finish(end, media === 'voice' ? 'endpoint' : 'client');
        }
        // Ring-no-answer: an agent is offered the interaction but does not pick it up.
        if (media !== 'email' && rng.chance(0.03)) {
          const ghost = this.pickAgent(queue, type, offer, exclude);
          const gp = c.part('agent', ghost.name, ghost.id);
          const gs = c.session(gp, 'inbound', this.agentProps(c, contact, cs));
          const timeout = media === 'voice' || media === 'callback' ? 15 * SECOND : 30 * SECOND;
          gs.segs.push(seg('alert', offer, offer + timeout, { queueId: queue.id, disc: 'client' }));
          gs.rona = true;
          exclude.add(ghost.id);
          offer += timeout + rng.intBetween(500, 4000);
        }
        const agent = this.pickAgent(queue, type, offer, exclude);
        const alertDur = this.alertDuration(media);
        const answer = offer + alertDur;
        as.segs.push(seg('interact', delayEnd, answer, { queueId: queue.id, disc: 'transfer' }));
        c.queueTime += answer - tEnter;
        next = this.agentLeg(c, {
          contact,
          cs,
          type,
          agent,
          queue,
          alertStart: offer,
          alertDur,
          leg,
          misrouted,
          exclude,
          answered: answer - tEnter,
        });
      } else {
        const input: LegInput = {
          contact,
          cs,
          type,
          agent: next.agent,
          queue: next.queue,
          alertStart: next.alertStart,
          leg,
          misrouted: false,
          exclude,
        };
        if (next.consultLeave !== undefined) input.consultLeave = next.consultLeave;
        next = this.agentLeg(c, input);
      }
      leg++;
    }
    this.customerSegments(
      c,
      cs,
      media === 'voice' ? 'system' : media === 'callback' ? 'callback' : undefined,
    );
    return c;
  }

  /** Customer session segments: [lead] interact (hold interact)* up to the customer's end. */
  private customerSegments(c: Conv, cs: Sess, lead: string | undefined): void {
    const start = c.t0;
    const end = Math.max(c.custEnd, c.custConnect);
    // A callback nobody reached stays a callback segment until it ends.
    const connect = lead === 'callback' && c.custConnect <= start ? end : Math.min(c.custConnect, end);
    let cur = start;
    if (lead !== undefined && connect > start) {
      cs.segs.push(seg(lead, start, connect));
      cur = connect;
    }
    c.holds.sort((a, b) => a[0] - b[0]);
    for (const [hs, he] of c.holds) {
      if (hs <= cur || he >= end) continue;
      cs.segs.push(seg('interact', cur, hs));
      cs.segs.push(seg('hold', hs, he));
      cur = he;
    }
    if (end > cur || cs.segs.length === 0) cs.segs.push(seg('interact', cur, end));
    const last = cs.segs[cs.segs.length - 1];
    if (last !== undefined) last.disc = c.custDisc;
  }

  private outbound(t0: number, contact: Contact): Conv {
    const rng = this.rng;
    const c = new Conv(rng, 'voice', t0);
    const cu = contact.customer;
    const type = contact.kase.type;
    const queue = this.rightQueue('voice', type);
    const agent = this.pickAgent(queue, type, t0, new Set());
    c.division(queue.division.id);
    const ap = c.part('agent', agent.name, agent.id);
    const as = c.session(ap, 'outbound', { ani: ORG_PHONE, dnis: cu.phone });
    const ext = c.part('external', cu.ext !== undefined ? cu.name : cu.displayName);
    if (cu.ext !== undefined) ext.ext = cu.ext;
    ext.attrs = this.attributes('outbound', contact);
    const es = c.session(ext, 'outbound', { ani: ORG_PHONE, dnis: cu.phone, peerId: as.id });
    as.props.peerId = es.id;

    const dialEnd = t0 + rng.intBetween(1500, 5000);
    const ringEnd = dialEnd + this.dur(14 * SECOND, 0.45, 4 * SECOND, 45 * SECOND);
    as.segs.push(seg('dialing', t0, dialEnd, { queueId: queue.id }));
    as.segs.push(seg('contacting', dialEnd, ringEnd, { queueId: queue.id }));
    let end: number;
    let code: WrapUpDef | undefined;
    if (rng.chance(0.2)) {
      // No answer (or voicemail): the agent hangs up.
      const busy = rng.chance(0.3);
      const contacting = as.segs[1];
      if (contacting !== undefined) contacting.disc = busy ? 'peer' : 'client';
      es.segs.push(seg('alert', dialEnd, ringEnd, { disc: busy ? 'endpoint' : 'peer' }));
      end = ringEnd;
      code = this.dir.wrapUps.get(rng.chance(0.75) ? 'Rappel prévu' : 'Non résolu');
    } else {
      c.reachedAgent = true;
      const talk = this.talkTime('voice', type, 'end', false);
      end = this.talkSegments(c, as, ringEnd, Math.round(talk * 0.8), this.holdCount('voice'), queue.id);
      const customerLeft = rng.chance(0.4);
      const last = as.segs[as.segs.length - 1];
      if (last !== undefined) last.disc = customerLeft ? 'peer' : 'client';
      c.custEnd = end;
      c.custConnect = ringEnd;
      c.custDisc = customerLeft ? 'endpoint' : 'peer';
      es.segs.push(seg('alert', dialEnd, ringEnd));
      const custStart = ringEnd;
      let cur = custStart;
      c.holds.sort((a, b) => a[0] - b[0]);
      for (const [hs, he] of c.holds) {
        es.segs.push(seg('interact', cur, hs));
        es.segs.push(seg('hold', hs, he));
        cur = he;
      }
      es.segs.push(seg('interact', cur, end, { disc: c.custDisc }));
      code = this.finalCode(type, false, true);
    }
    c.finalCode = code;
    this.busyUntil.set(agent.id, this.wrapUp(c, as, end, code, queue.id));
    return c;
  }

  // --- one conversation, end to end ------------------------------------------------------------

  conversation(kind: Kind, t0: number): DemoItem {
    const rng = this.rng;
    const contact = this.contact(t0, kind);
    const conversationId = rng.uuid();
    const c = kind === 'outbound' ? this.outbound(t0, contact) : this.inbound(kind, t0, contact);

    let end = t0;
    for (const p of c.parts)
      for (const s of p.sessions) for (const g of s.segs) if ((g.e ?? 0) > end) end = g.e ?? 0;
    const active = end > this.extractedAt;
    if (active) this.truncate(c, this.extractedAt);

    // Case bookkeeping for later repeat contacts.
    const kase = contact.kase;
    const cu = contact.customer;
    kase.conversations++;
    kase.lastEnd = active ? this.extractedAt : end;
    kase.resolved = !active && c.finalCode?.resolving === true;
    cu.lastEnd = kase.lastEnd;
    cu.lastFamily = family(kind);
    cu.lastCase = kase;
    if (!kase.resolved && !active) this.openCases.push(kase);
    if (this.openCases.length > 4000) {
      const keep = this.openCases.filter(
        (k) => !k.resolved && k.lastEnd > t0 - 7 * DAY && k.customer.lastCase === k,
      );
      this.openCases.length = 0;
      this.openCases.push(...keep);
    }
    this.histT.push(t0);
    this.histC.push(cu);

    const record: GenesysConversationRecord = {
      conversationId,
      conversationStart: iso(t0),
      ...(active ? {} : { conversationEnd: iso(end) }),
      originatingDirection: kind === 'outbound' ? 'outbound' : 'inbound',
      divisionIds: c.divisions.length > 0 ? c.divisions : [this.dir.divisions.main.id],
      participants: c.parts.map((p) => this.participantRecord(p)),
    };

    const item: DemoItem = { conversation: record };
    if (!active && c.reachedAgent && rng.chance(kind === 'email' ? 0.22 : 0.32)) {
      const sent = end + this.dur(kind === 'email' ? 20 * MINUTE : 90 * SECOND, 0.8, 10 * SECOND, 3 * HOUR);
      const score = this.csat(c, contact);
      if (sent < this.extractedAt) item.survey = { conversationId, sentDate: iso(sent), score };
    }
    return item;
  }

  private csat(c: Conv, contact: Contact): number {
    const rng = this.rng;
    let score = rng.weighted([1, 2, 3, 4, 5], [4, 5, 11, 32, 48]);
    let penalty = 0;
    const waitLimit =
      c.media === 'email' ? 8 * HOUR : c.media === 'message' || c.media === 'callback' ? HOUR : 2 * MINUTE;
    if (c.queueTime > waitLimit) penalty += 0.8;
    if (c.queueTime > waitLimit * 4) penalty += 0.8;
    penalty += 0.7 * c.transfers;
    if (c.longHold) penalty += 0.4;
    if (c.finalCode?.resolving !== true) penalty += 1.3;
    if (contact.reopen) penalty += 0.5;
    for (let p = penalty; p > 0; p -= 1) if (rng.chance(Math.min(1, p) * 0.6)) score--;
    return Math.max(1, Math.min(5, score));
  }

  /** Cuts a conversation at the extraction time: open segments lose their end, later ones vanish. */
  private truncate(c: Conv, at: number): void {
    for (const p of c.parts) {
      for (const s of p.sessions) {
        s.segs = s.segs.filter((g) => g.s < at);
        for (const g of s.segs) {
          if (g.e !== undefined && g.e > at) {
            g.e = undefined;
            delete g.disc;
            delete g.code;
            delete g.note;
          }
        }
      }
      p.sessions = p.sessions.filter((s) => s.segs.length > 0);
    }
    const kept = c.parts.filter((p) => p.sessions.length > 0);
    c.parts.length = 0;
    c.parts.push(...kept);
  }

  // --- serialization --------------------------------------------------------------------------

  private participantRecord(p: Part): GenesysParticipantRecord {
    return {
      participantId: p.id,
      ...(p.name !== undefined ? { participantName: p.name } : {}),
      purpose: p.purpose,
      ...(p.userId !== undefined ? { userId: p.userId } : {}),
      ...(p.ext !== undefined ? { externalContactId: p.ext } : {}),
      ...(p.attrs !== undefined ? { attributes: p.attrs } : {}),
      sessions: p.sessions.map((s) => this.sessionRecord(p, s)),
    };
  }

  private sessionRecord(p: Part, s: Sess): GenesysSessionRecord {
    const r: GenesysSessionRecord = {
      sessionId: s.id,
      mediaType: s.media,
      direction: s.direction,
      ...s.props,
      segments: s.segs.map(segmentRecord),
    };
    const metrics = sessionMetrics(p.purpose, s);
    if (metrics.length > 0) r.metrics = metrics;
    return r;
  }
}

function segmentRecord(g: Seg): GenesysSegmentRecord {
  const r: GenesysSegmentRecord =
    g.e !== undefined
      ? { segmentStart: iso(g.s), segmentEnd: iso(g.e), segmentType: g.type }
      : { segmentStart: iso(g.s), segmentType: g.type };
  if (g.queueId !== undefined) r.queueId = g.queueId;
  if (g.disc !== undefined) r.disconnectType = g.disc;
  if (g.code !== undefined) r.wrapUpCode = g.code;
  if (g.note !== undefined) r.wrapUpNote = g.note;
  if (g.conference !== undefined) r.conference = g.conference;
  return r;
}

function metric(name: string, value: number, at: number): GenesysMetricRecord {
  return { name, value, emitDate: iso(at) };
}

/** A few of the Genesys session metrics, computed from the (possibly truncated) segments. */
function sessionMetrics(purpose: string, s: Sess): GenesysMetricRecord[] {
  const out: GenesysMetricRecord[] = [];
  const segs = s.segs;
  const first = segs[0];
  const last = segs[segs.length - 1];
  if (first === undefined || last === undefined) return out;
  switch (purpose) {
    case 'customer':
    case 'external': {
      if (s.media !== 'voice' && s.media !== 'callback') break;
      const connected = segs.find((g) => g.type === 'interact');
      if (connected === undefined) break;
      out.push(metric('nConnected', 1, connected.s));
      if (last.e !== undefined) out.push(metric('tConnected', last.e - connected.s, last.e));
      break;
    }
    case 'ivr':
    case 'workflow': {
      out.push(metric('nFlow', 1, first.s));
      if (last.e !== undefined) {
        if (purpose === 'ivr') out.push(metric('tIvr', last.e - first.s, last.e));
        out.push(metric('tFlow', last.e - first.s, last.e));
      }
      break;
    }
    case 'acd': {
      const wait = segs.find((g) => g.type === 'interact');
      if (wait === undefined) break;
      out.push(metric('nOffered', 1, wait.s));
      if (wait.e !== undefined) {
        if (wait.disc === 'transfer') out.push(metric('tAcd', wait.e - first.s, wait.e));
        else if (wait.disc === 'peer') out.push(metric('tAbandon', wait.e - first.s, wait.e));
      }
      break;
    }
    case 'agent': {
      if (s.direction === 'outbound' && s.media === 'voice') out.push(metric('nOutbound', 1, first.s));
      let talk = 0;
      let held = 0;
      let wrap: Seg | undefined;
      for (const g of segs) {
        if (g.e === undefined) continue;
        const d = g.e - g.s;
        switch (g.type) {
          case 'alert':
            out.push(metric('tAlert', d, g.e));
            if (s.rona === true) out.push(metric('tNotResponding', d, g.e));
            else if (s.answered !== undefined) out.push(metric('tAnswered', s.answered, g.e));
            break;
          case 'dialing':
            out.push(metric('tDialing', d, g.e));
            break;
          case 'contacting':
            out.push(metric('tContacting', d, g.e));
            break;
          case 'interact':
            talk += d;
            break;
          case 'hold':
            held += d;
            break;
          case 'wrapup':
            wrap = g;
            break;
        }
      }
      let lastWork: Seg | undefined;
      let hasWrap = false;
      for (const g of segs) {
        if (g.type === 'wrapup') hasWrap = true;
        else lastWork = g;
      }
      if (lastWork?.e === undefined) break;
      if (talk > 0) {
        out.push(metric('tTalk', talk, lastWork.e));
        out.push(metric('tTalkComplete', talk, lastWork.e));
      }
      if (held > 0) {
        out.push(metric('tHeld', held, lastWork.e));
        out.push(metric('tHeldComplete', held, lastWork.e));
      }
      if (lastWork.disc === 'transfer') {
        out.push(metric('nTransferred', 1, lastWork.e));
        if (s.consult === true) out.push(metric('nConsultTransferred', 1, lastWork.e));
      }
      if (wrap?.e !== undefined) {
        out.push(metric('tAcw', wrap.e - wrap.s, wrap.e));
        out.push(metric('tHandle', talk + held + (wrap.e - wrap.s), wrap.e));
      } else if (!hasWrap && talk > 0) {
        out.push(metric('tHandle', talk + held, lastWork.e));
      }
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arrivals

function profileFor(kind: Kind, dow: number): DayProfile {
  if (kind === 'email') return EMAIL;
  if (kind === 'message') return MESSAGING;
  if (kind === 'outbound') return OUTBOUND;
  return dow === 6 ? SATURDAY_LIVE : WEEKDAY_LIVE;
}

export function validateOptions(o: GeneratorOptions): { start: number; end: number } {
  if (!Number.isInteger(o.conversations) || o.conversations < 0) {
    throw new Error(`conversations must be a non-negative integer, got ${o.conversations}`);
  }
  if (!Number.isInteger(o.days) || o.days < 1)
    throw new Error(`days must be a positive integer, got ${o.days}`);
  if (!Number.isFinite(o.seed)) throw new Error(`seed must be a number, got ${o.seed}`);
  const end = parseIsoDay(o.end);
  return { start: end - o.days * DAY, end };
}

/** All generated items (conversation and optional survey), in conversation start-time order. */
export function* generateItems(options: GeneratorOptions): Generator<DemoItem> {
  const { start, end } = validateOptions(options);
  const sim = new Simulation(options.seed, end);
  const volume = new Rng(options.seed, 'volume');
  const weights: number[] = [];
  for (let d = 0; d < options.days; d++) {
    const t = start + d * DAY;
    const date = new Date(t);
    const noise = Math.max(0.75, Math.min(1.25, 1 + 0.08 * volume.normal()));
    const monthStart = date.getUTCDate() <= 5 ? 1.1 : 1;
    weights.push((DAY_WEIGHT[date.getUTCDay()] ?? 1) * noise * monthStart);
  }
  const counts = allocate(options.conversations, weights);
  const rng = sim.rng;
  for (let d = 0; d < options.days; d++) {
    const dayUtc = start + d * DAY;
    const dow = new Date(dayUtc).getUTCDay();
    const mix = dow === 0 ? KIND_MIX_SUNDAY : dow === 6 ? KIND_MIX_SATURDAY : KIND_MIX_WEEKDAY;
    const n = counts[d] ?? 0;
    const slots: { t: number; kind: Kind }[] = [];
    for (let i = 0; i < n; i++) {
      const kind = rng.weighted(KINDS, mix);
      const local = profileFor(kind, dow).sample(rng.next(), rng.next());
      slots.push({ t: Math.floor(parisLocalToUtc(dayUtc, local)), kind });
    }
    slots.sort((a, b) => a.t - b.t);
    for (const slot of slots) yield sim.conversation(slot.kind, slot.t);
  }
}
