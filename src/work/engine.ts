import { sql } from 'kysely';
import { systemActor } from './actor.ts';
import type { RequiredSkill } from './agents.ts';
import { WorkConflictError, WorkNotFoundError } from './errors.ts';
import { nextAssignments, type RoutingAgent, type RoutingItem } from './routing/index.ts';
import type { WorkService } from './service.ts';
import { ACTIVE_STATUSES, TransitionRefusedError } from './state-machine.ts';

/**
 * Push routing on the work store: items waiting in push queues go to the best qualified available agent
 * (src/work/routing nextAssignments: skills, proficiency, capacity, longest idle), each as an offer — the
 * item is assigned and the agent has `offerTimeoutSeconds` to start it; a decline or no answer puts it back
 * in the queue and the agent is left out for that item. A pass runs when an item arrives in a queue, when
 * an agent frees capacity (decline, complete, cancel, wait, a move away) or becomes available, and at every
 * scheduler tick (which also sees what other servers changed). Each assignment locks the item and the agent
 * (WorkService.offer): two servers routing at once can never assign an item twice or fill an agent beyond
 * capacity; the loser's stale decision is refused and skipped.
 */

/** The routing engine's events (actor of the changes it makes). */
export const ROUTING_ACTOR = systemActor('caseflow:routing');

/** Actions after which a pass may find work to give: an item waits again, or an agent has room again. */
const ROUTING_TRIGGERS: ReadonlySet<string> = new Set([
  'create',
  'queue',
  'move',
  'escalate',
  'decline',
  'complete',
  'cancel',
  'wait',
]);

export interface RoutingEngineOptions {
  offerTimeoutSeconds: number;
  log?: { error(message: string): void };
}

export class RoutingEngine {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly work: WorkService,
    private readonly options: RoutingEngineOptions,
  ) {}

  /** Routes after the changes that may let an item go to an agent (call once; returns the unsubscribe). */
  follow(): () => void {
    return this.work.onChange(({ event }) => {
      if (ROUTING_TRIGGERS.has(event.action)) this.kick();
    });
  }

  /** Asks for a pass soon (coalesced: one pass at a time, one more if asked while running). */
  kick(): void {
    void this.route().catch((error: unknown) =>
      this.options.log?.error(`work routing: ${(error as Error).message}`),
    );
  }

  /** Runs a routing pass (or waits for the running one and runs one more); resolves when done. */
  async route(now?: number): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass(now ?? this.work.ctx.now().getTime());
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
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

  /** One pass: every waiting item of the push queues against the available agents with room. */
  private async pass(now: number): Promise<void> {
    const [items, agents] = await Promise.all([this.waitingItems(), this.availableAgents()]);
    if (items.length === 0 || agents.length === 0) return;
    const declined = new Map(items.map((i) => [i.item.id, new Set(i.declinedBy)]));
    const assignments = nextAssignments(
      items.map((i) => i.item),
      agents,
      now,
      declined,
    );
    const versions = new Map(items.map((i) => [i.item.id, i.version]));
    const expiresAt = new Date(now + this.options.offerTimeoutSeconds * 1000).toISOString();
    for (const { itemId, agentId } of assignments) {
      await skipStale(() =>
        this.work.offer(
          itemId,
          { agentId, expectedVersion: versions.get(itemId) ?? 0, expiresAt },
          ROUTING_ACTOR,
        ),
      );
    }
  }

  private async waitingItems(): Promise<{ item: RoutingItem; version: number; declinedBy: string[] }[]> {
    const rows = await this.work.ctx.db
      .selectFrom('work_items as i')
      .innerJoin('work_queues as q', 'q.id', 'i.queue_id')
      .select([
        'i.id',
        'i.version',
        'i.priority',
        'i.due_at',
        'i.created_at',
        'i.required_skills',
        'i.language',
        'i.queue_id',
        'i.declined_by',
      ])
      .where('i.status', '=', 'queued')
      .where('i.workbin_id', 'is', null)
      .where('q.routing_method', '=', 'push')
      .execute();
    return rows.map((r) => ({
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
    }));
  }

  private async availableAgents(): Promise<RoutingAgent[]> {
    const { db } = this.work.ctx;
    const [rows, loads] = await Promise.all([
      db.selectFrom('work_agents').selectAll().where('presence', '=', 'available').execute(),
      db
        .selectFrom('work_items')
        .select(['assignee_id', sql<number>`count(*)`.as('n')])
        .where('status', 'in', [...ACTIVE_STATUSES])
        .where('assignee_id', 'is not', null)
        .groupBy('assignee_id')
        .execute(),
    ]);
    const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
    return rows.map((r) => ({
      id: r.id,
      presence: r.presence,
      skills: r.skills as Record<string, number>,
      languages: r.languages as string[],
      groups: [...(r.queues as string[]), ...(r.teams as string[])],
      capacity: (r.capacity as Record<string, number>).workitem ?? 0,
      load: load.get(r.id) ?? 0,
      lastIdleAt: r.last_idle_at === null ? null : Date.parse(r.last_idle_at),
    }));
  }
}

/**
 * Runs a change decided on rows read before; undefined when they changed meanwhile (another server or
 * request got there first: the item moved on, its version rose, the agent filled up or left).
 */
export async function skipStale<T>(change: () => Promise<T>): Promise<T | undefined> {
  try {
    return await change();
  } catch (error) {
    if (
      error instanceof TransitionRefusedError ||
      error instanceof WorkConflictError ||
      error instanceof WorkNotFoundError
    )
      return undefined;
    throw error;
  }
}
