import { sql } from 'kysely';
import { systemActor } from './actor.ts';
import type { RequiredSkill } from './agents.ts';
import {
  AgentUnavailableError,
  WorkConflictError,
  WorkNotFoundError,
  WorkValidationError,
} from './errors.ts';
import type { WorkItem } from './items.ts';
import { Roster } from './roster.ts';
import { bestAgent, nextAssignments, type RoutingAgent, type RoutingItem } from './routing/index.ts';
import type { WorkChange, WorkService } from './service.ts';
import { TransitionRefusedError } from './state-machine.ts';

/**
 * Push routing on the work store: items waiting in push queues go to the best qualified available agent
 * (src/work/routing: skills, proficiency, capacity, longest idle), each as an offer — the item is assigned
 * and the agent has `offerTimeoutSeconds` to start it; a decline or no answer puts it back in the queue and
 * the agent is left out for that item.
 *
 * Routing is incremental, so that its cost does not grow with the backlog, and decides from the Roster (the
 * available agents and their load, in memory):
 *  - an item arriving in a push queue (create, queue, move, escalate, decline) goes to the best of the
 *    agents with room serving its queue (bestAgent), when there is one;
 *  - an agent freeing capacity (decline, complete, cancel, wait, a move away) or becoming available
 *    (`agentChanged`) gets the most urgent waiting items of their push queues that they qualify for, among
 *    the first ROUTING_WINDOW of each queue;
 *  - the full pass (`route`: every waiting item against every agent with room, nextAssignments) runs at each
 *    scheduler tick: it reads the roster again (what other servers changed), retries what a refused offer
 *    left waiting and restores the global order the incremental steps only approximate (an agent qualified
 *    only for items past the window waits for it).
 * Everything the engine does runs one step at a time, so that what the roster says of free room stays true.
 * Each offer locks the item and the agent (WorkService.offer, which also checks capacity and presence): two
 * servers routing at once can never assign an item twice or fill an agent beyond capacity; the loser's
 * stale decision is refused and skipped.
 */

/** The routing engine's events (actor of the changes it makes). */
export const ROUTING_ACTOR = systemActor('caseflow:routing');

/** How many agents an arriving item is offered to when offers are refused (a stale roster). */
const OFFER_ATTEMPTS = 3;

/** How many waiting items of each of their queues an agent with room again is matched against. */
export const ROUTING_WINDOW = 20;

export interface RoutingEngineOptions {
  offerTimeoutSeconds: number;
  log?: { error(message: string): void };
}

interface Waiting {
  item: RoutingItem;
  version: number;
  declinedBy: readonly string[];
}

export class RoutingEngine {
  /** The engine's steps, one after the other. */
  private lane: Promise<void> = Promise.resolve();
  private queuedPass: Promise<void> | null = null;
  private drainQueued = false;
  private readonly roster = new Roster();
  private rosterLoaded = false;
  /** Item id → the item as it arrived in a push queue. */
  private readonly arrived = new Map<string, Waiting>();
  /** Agents to read again (presence or definition changed, an offer to them refused). */
  private readonly stale = new Set<string>();
  /** Agents with room again. */
  private readonly freed = new Set<string>();

  constructor(
    private readonly work: WorkService,
    private readonly options: RoutingEngineOptions,
  ) {}

  /** Routes after the changes that may let an item go to an agent (call once; returns the unsubscribe). */
  follow(): () => void {
    return this.work.onChange((change) => this.changed(change));
  }

  /** An agent's presence or definition changed: read them again; when available they get what waits. */
  agentChanged(agentId: string): void {
    this.stale.add(agentId);
    this.freed.add(agentId);
    this.scheduleDrain();
  }

  /** Queues changed (a routing method): a full pass soon, with the roster read again. */
  queuesChanged(): void {
    this.rosterLoaded = false;
    void this.route().catch((error: unknown) => this.logError(error));
  }

  /** Runs a full pass after the steps asked before; resolves when done. */
  route(now?: number): Promise<void> {
    if (this.queuedPass) return this.queuedPass;
    const pass = this.enqueue(async () => {
      this.queuedPass = null;
      await this.pass(now ?? this.clock());
    });
    this.queuedPass = pass;
    return pass;
  }

  /** Resolves once every step asked so far, and those they led to, are done. */
  async settled(): Promise<void> {
    let lane: Promise<void>;
    do {
      lane = this.lane;
      await lane;
    } while (lane !== this.lane);
  }

  /** Declines, for their agent, the offers still unanswered at `now` (reason 'timeout'). How many. */
  async expireOffers(now: number): Promise<number> {
    const { db } = this.work.ctx;
    const lapsed = await db
      .selectFrom('work_items')
      .select(['id', 'version'])
      .where('status', '=', 'assigned')
      .where('offer_expires_at', '<=', new Date(now).toISOString())
      .orderBy('offer_expires_at')
      .execute();
    let declined = 0;
    for (const { id, version } of lapsed) {
      const done = await skipStale(() =>
        this.work.transition(
          id,
          { action: 'decline', expectedVersion: version, reason: 'timeout' },
          ROUTING_ACTOR,
        ),
      );
      if (done) declined += 1;
    }
    return declined;
  }

  private changed({ item, event, freedAgentId, heldAgentId, declinedBy }: WorkChange): void {
    // The roster follows at once: a step running now decides on it. An assignment restarts idle time.
    const assigned = event.action === 'assign' || event.action === 'claim';
    if (heldAgentId) this.roster.hold(heldAgentId, assigned ? Date.parse(event.at) : null);
    if (freedAgentId) {
      this.roster.release(freedAgentId);
      this.freed.add(freedAgentId);
    }
    const waits = item.status === 'queued' && item.workbinId === null && item.queueId !== null;
    // An update (title, attributes, priority) of an item waiting to be routed changes its version only.
    if (waits && (event.action !== 'update' || this.arrived.has(item.id)))
      this.arrived.set(item.id, { item: routingItem(item), version: item.version, declinedBy });
    else if (!waits) this.arrived.delete(item.id);
    if (this.freed.size > 0 || this.arrived.size > 0) this.scheduleDrain();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.lane.then(step);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private scheduleDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    void this.enqueue(async () => {
      this.drainQueued = false;
      await this.drain();
    }).catch((error: unknown) => this.logError(error));
  }

  /**
   * One decision at a time, each on a current roster (the agents changed meanwhile read again first): agents
   * with room take from the queues first, then the items that arrived get an agent. A failed decision is
   * logged and the others go on (the next full pass retries what it left).
   */
  private async drain(): Promise<void> {
    for (;;) {
      if (!this.rosterLoaded) await this.loadRoster();
      for (const agentId of this.stale) {
        this.stale.delete(agentId);
        await this.reloadAgent(agentId);
      }
      const [agentId] = this.freed;
      const [arrival] = this.arrived;
      if (agentId !== undefined) this.freed.delete(agentId);
      else if (arrival !== undefined) this.arrived.delete(arrival[0]);
      else return;
      try {
        if (agentId !== undefined) await this.routeForAgent(agentId, this.clock());
        else if (arrival !== undefined) await this.routeItem(arrival[1], this.clock());
      } catch (error) {
        this.logError(error);
      }
    }
  }

  /** The whole roster read again; agents whose load changed during the read are read again after it. */
  private async loadRoster(): Promise<void> {
    this.rosterLoaded = true;
    this.stale.clear();
    try {
      this.again(await this.roster.load(this.work.ctx.db));
    } catch (error) {
      this.rosterLoaded = false;
      throw error;
    }
  }

  private async reloadAgent(agentId: string): Promise<void> {
    this.again(await this.roster.reload(this.work.ctx.db, agentId));
  }

  /** Agents whose load changed while they were read: the read may predate it; read them again, route them. */
  private again(touched: ReadonlySet<string>): void {
    for (const id of touched) {
      this.stale.add(id);
      this.freed.add(id);
    }
    if (touched.size > 0) this.scheduleDrain();
  }

  /** One full pass: the items waiting in the push queues that agents with room serve, against those agents. */
  private async pass(now: number): Promise<void> {
    await this.loadRoster();
    const groups = new Set<string>();
    const agents = this.roster.all();
    for (const agent of agents) if (agent.load < agent.capacity) for (const g of agent.groups) groups.add(g);
    // Only the queues served by an agent with room are read: on a busy day, most ticks read nothing.
    if (groups.size === 0) return;
    const items = await this.waitingItems([...groups].filter((g) => this.roster.pushes(g)));
    const assignments = nextAssignments(
      items.map((i) => i.item),
      agents,
      now,
      new Map(items.map((i) => [i.item.id, new Set(i.declinedBy)])),
    );
    const versions = new Map(items.map((i) => [i.item.id, i.version]));
    for (const { itemId, agentId } of assignments)
      await this.offer(itemId, agentId, versions.get(itemId) ?? 0, now);
  }

  /** An item that arrived in a push queue, to the best of the available agents with room serving it. */
  private async routeItem(waiting: Waiting, now: number): Promise<void> {
    const { item } = waiting;
    if (item.agentGroup === null || !this.roster.pushes(item.agentGroup)) return;
    const passed = new Set(waiting.declinedBy);
    // An agent whose offer is refused (full or away in the store: another server's change) is read again,
    // and the next best is tried, a few times at most.
    for (let attempt = 0; attempt < OFFER_ATTEMPTS; attempt++) {
      const choice = bestAgent(item, this.roster.withRoom(item.agentGroup), now, passed);
      if (!choice) return;
      const outcome = await this.offer(item.id, choice.agentId, waiting.version, now);
      if (outcome !== 'agent-refused') return;
      passed.add(choice.agentId);
    }
  }

  /** An agent with room again: the most urgent waiting items of their push queues that they qualify for. */
  private async routeForAgent(agentId: string, now: number, retry = true): Promise<void> {
    const agent = this.roster.get(agentId);
    if (!agent || agent.load >= agent.capacity) return;
    const items = await this.waitingForAgent(agent);
    const assignments = nextAssignments(
      items.map((i) => i.item),
      [agent],
      now,
      new Map(items.map((i) => [i.item.id, new Set(i.declinedBy)])),
    );
    const versions = new Map(items.map((i) => [i.item.id, i.version]));
    for (const { itemId } of assignments) {
      const outcome = await this.offer(itemId, agentId, versions.get(itemId) ?? 0, now);
      if (outcome === 'agent-refused') return;
      // The item changed since it was read (taken, moved): the agent's slot goes to the next waiting one.
      if (outcome === 'item-changed' && retry) return this.routeForAgent(agentId, now, false);
    }
  }

  /**
   * Offers the item. Refused when the item changed since it was read (taken, moved, edited) or when the
   * agent cannot take it in the store (full, away, deleted — the roster was stale: the agent is read again).
   */
  private async offer(
    itemId: string,
    agentId: string,
    version: number,
    now: number,
  ): Promise<'offered' | 'item-changed' | 'agent-refused'> {
    const expiresAt = new Date(now + this.options.offerTimeoutSeconds * 1000).toISOString();
    try {
      await this.work.offer(itemId, { agentId, expectedVersion: version, expiresAt }, ROUTING_ACTOR);
      return 'offered';
    } catch (error) {
      if (error instanceof AgentUnavailableError || error instanceof WorkValidationError) {
        await this.reloadAgent(agentId);
        return 'agent-refused';
      }
      if (isStale(error)) return 'item-changed';
      throw error;
    }
  }

  /** The items waiting in these push queues. */
  private async waitingItems(queues: readonly string[]): Promise<Waiting[]> {
    if (queues.length === 0) return [];
    const rows = await this.work.ctx.db
      .selectFrom('work_items')
      .select(WAITING_COLUMNS)
      .where('queue_id', 'in', queues)
      .where('status', '=', 'queued')
      .where('workbin_id', 'is', null)
      .execute();
    return rows.map(toWaiting);
  }

  /** The first ROUTING_WINDOW waiting items, in routing order, of each push queue the agent serves (one query). */
  private async waitingForAgent(agent: RoutingAgent): Promise<Waiting[]> {
    const { db } = this.work.ctx;
    const queues = [...new Set(agent.groups)].filter((g) => this.roster.pushes(g));
    if (queues.length === 0) return [];
    const rows = await db
      .selectFrom(sql<{ q: string }>`unnest(cast(${queues} as text[]))`.as('q'))
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('work_items')
            .select(WAITING_COLUMNS)
            .whereRef('queue_id', '=', 'q.q')
            .where('status', '=', 'queued')
            .where('workbin_id', 'is', null)
            .orderBy('priority', 'desc')
            .orderBy(sql`due_at asc nulls last`)
            .orderBy('created_at')
            .orderBy('id')
            .limit(ROUTING_WINDOW)
            .as('w'),
        (join) => join.onTrue(),
      )
      .selectAll('w')
      .execute();
    return rows.map(toWaiting);
  }

  private clock(): number {
    return this.work.ctx.now().getTime();
  }

  private logError(error: unknown): void {
    this.options.log?.error(`work routing: ${(error as Error).message}`);
  }
}

const WAITING_COLUMNS = [
  'id',
  'version',
  'priority',
  'due_at',
  'created_at',
  'required_skills',
  'language',
  'queue_id',
  'declined_by',
] as const;

/** An item as routing sees it; agents serve named queues: only those serving the item's queue take it. */
function routingItem(item: WorkItem): RoutingItem {
  return {
    id: item.id,
    priority: item.priority,
    dueAt: item.dueAt === null ? null : Date.parse(item.dueAt),
    createdAt: Date.parse(item.createdAt),
    requiredSkills: item.requiredSkills,
    language: item.language,
    agentGroup: item.queueId,
  };
}

function toWaiting(r: {
  id: string;
  version: number;
  priority: number;
  due_at: string | null;
  created_at: string;
  required_skills: unknown;
  language: string | null;
  queue_id: string | null;
  declined_by: unknown;
}): Waiting {
  return {
    item: {
      id: r.id,
      priority: r.priority,
      dueAt: r.due_at === null ? null : Date.parse(r.due_at),
      createdAt: Date.parse(r.created_at),
      requiredSkills: r.required_skills as RequiredSkill[],
      language: r.language,
      // Agents serve named queues: only those serving the item's queue take it.
      agentGroup: r.queue_id,
    },
    version: r.version,
    declinedBy: r.declined_by as string[],
  };
}

/**
 * Runs a change decided on rows read before; undefined when they changed meanwhile (another server or
 * request got there first: the item moved on, its version rose, the agent filled up or left).
 */
export async function skipStale<T>(change: () => Promise<T>): Promise<T | undefined> {
  try {
    return await change();
  } catch (error) {
    if (isStale(error)) return undefined;
    throw error;
  }
}

const isStale = (error: unknown): boolean =>
  error instanceof TransitionRefusedError ||
  error instanceof WorkConflictError ||
  error instanceof WorkNotFoundError;
