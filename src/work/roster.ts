import { sql } from 'kysely';
import type { Db } from './db.ts';
import type { RoutingAgent } from './routing/index.ts';
import { ACTIVE_STATUSES } from './state-machine.ts';

/**
 * What push routing knows of the available agents (skills, languages, groups, capacity, load, idle time)
 * and of which queues push, kept in memory so that routing an arriving item reads nothing from the store.
 * It is read whole at each full pass, one agent again when they change (presence, definition, a refused
 * offer), and kept current between them from the item changes: an item given to an agent adds to their
 * load, one taken from them frees it. Changes made by another server reach it at the next full pass; until
 * then an offer decided on a stale load or presence is refused by the store (both are checked under the
 * agent's lock), while skills, languages and queues changed there apply here from that pass.
 * A read returns the agents whose load changed while it ran: it may predate the change, so the caller
 * reads them again.
 */
export class Roster {
  private readonly agents = new Map<string, RoutingAgent>();
  private readonly byGroup = new Map<string, Set<string>>();
  private pushQueues = new Set<string>();
  /** The agents whose load changed during the read under way. */
  private touched: Set<string> | null = null;

  /** Reads the available agents and the push queues again. */
  async load(db: Db): Promise<ReadonlySet<string>> {
    const { value, touched } = await this.reading(() =>
      Promise.all([
        availableAgents(db),
        db.selectFrom('work_queues').select('id').where('routing_method', '=', 'push').execute(),
      ]),
    );
    const [agents, queues] = value;
    this.agents.clear();
    this.byGroup.clear();
    for (const agent of agents) this.put(agent);
    this.pushQueues = new Set(queues.map((q) => q.id));
    return touched;
  }

  /** Reads one agent again: in the roster while available, out of it otherwise. */
  async reload(db: Db, agentId: string): Promise<ReadonlySet<string>> {
    const { value, touched } = await this.reading(() => availableAgents(db, agentId));
    this.remove(agentId);
    const [agent] = value;
    if (agent) this.put(agent);
    return touched;
  }

  private async reading<T>(read: () => Promise<T>): Promise<{ value: T; touched: ReadonlySet<string> }> {
    const touched = new Set<string>();
    this.touched = touched;
    try {
      return { value: await read(), touched };
    } finally {
      this.touched = null;
    }
  }

  pushes(queueId: string): boolean {
    return this.pushQueues.has(queueId);
  }

  all(): RoutingAgent[] {
    return [...this.agents.values()];
  }

  get(agentId: string): RoutingAgent | undefined {
    return this.agents.get(agentId);
  }

  /** The available agents serving the group (a queue among their queues or teams) with room left. */
  withRoom(group: string): RoutingAgent[] {
    const ids = this.byGroup.get(group);
    if (!ids) return [];
    const agents: RoutingAgent[] = [];
    for (const id of ids) {
      const agent = this.agents.get(id);
      if (agent && agent.load < agent.capacity) agents.push(agent);
    }
    return agents;
  }

  /** An item now counts against the agent's capacity; an assignment restarts their idle time at `assignedAt`. */
  hold(agentId: string, assignedAt: number | null): void {
    this.touched?.add(agentId);
    const agent = this.agents.get(agentId);
    if (agent)
      this.agents.set(agentId, {
        ...agent,
        load: agent.load + 1,
        lastIdleAt: assignedAt ?? agent.lastIdleAt,
      });
  }

  /** An item no longer counts against the agent's capacity. */
  release(agentId: string): void {
    this.touched?.add(agentId);
    const agent = this.agents.get(agentId);
    if (agent) this.agents.set(agentId, { ...agent, load: Math.max(0, agent.load - 1) });
  }

  private put(agent: RoutingAgent): void {
    this.agents.set(agent.id, agent);
    for (const group of agent.groups) {
      const ids = this.byGroup.get(group) ?? new Set<string>();
      this.byGroup.set(group, ids.add(agent.id));
    }
  }

  private remove(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    this.agents.delete(agentId);
    for (const group of agent.groups) this.byGroup.get(group)?.delete(agentId);
  }
}

/** The available agents (or the one agent `agentId` if available), with their load. */
export async function availableAgents(db: Db, agentId?: string): Promise<RoutingAgent[]> {
  let query = db
    .selectFrom('work_agents as a')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('work_items')
          .select((c) => ['assignee_id', c.fn.countAll<number>().as('n')])
          .where('status', 'in', [...ACTIVE_STATUSES])
          .where('assignee_id', 'is not', null)
          .$if(agentId !== undefined, (q) => q.where('assignee_id', '=', agentId ?? ''))
          .groupBy('assignee_id')
          .as('held'),
      (join) => join.onRef('held.assignee_id', '=', 'a.id'),
    )
    .select([
      'a.id',
      'a.presence',
      'a.skills',
      'a.languages',
      'a.queues',
      'a.teams',
      'a.capacity',
      'a.last_idle_at',
      sql<number>`coalesce(held.n, 0)`.as('load'),
    ])
    .where('a.presence', '=', 'available');
  if (agentId !== undefined) query = query.where('a.id', '=', agentId);
  return (await query.execute()).map((r) => ({
    id: r.id,
    presence: r.presence as RoutingAgent['presence'],
    skills: r.skills as Record<string, number>,
    languages: r.languages as string[],
    groups: [...(r.queues as string[]), ...(r.teams as string[])],
    capacity: (r.capacity as Record<string, number>).workitem ?? 0,
    load: Number(r.load),
    lastIdleAt: r.last_idle_at === null ? null : Date.parse(r.last_idle_at),
  }));
}
