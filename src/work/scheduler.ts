import { sql } from 'kysely';
import { systemActor } from './actor.ts';
import { jsonb } from './db.ts';
import { ROUTING_ACTOR, type RoutingEngine, skipStale } from './engine.ts';
import type { EscalationRules } from './queues.ts';
import {
  DEFAULT_REPRIORITIZATION,
  type NoAgentActionKind,
  noAgentActionsDue,
  type Reprioritization,
  reprioritize,
  resolveSlaPolicy,
  type SlaPolicy,
  slaEscalationDue,
} from './routing/index.ts';
import type { WorkService } from './service.ts';

/**
 * The timed side of work automation, one `tick(now)` at a time (the server ticks every schedulerSeconds;
 * tests call tick with their clock): unanswered offers lapse, the queues' no-agent rules apply (raise
 * priority, move, alert a supervisor — each once, counted from when the item started waiting in its queue),
 * unfinished items escalate at their SLA threshold (once), priorities follow the nearness of the due dates
 * every reprioritizeSeconds, then a routing pass gives what waits to the agents free.
 */

export const SLA_ACTOR = systemActor('caseflow:sla');

export interface WorkSchedulerOptions {
  schedulerSeconds: number;
  reprioritizeSeconds: number;
  reprioritization?: Reprioritization;
  now: () => number;
  log?: { error(message: string): void };
}

export interface TickResult {
  expiredOffers: number;
  noAgentActions: number;
  slaEscalations: number;
  reprioritized: number;
}

export class WorkScheduler {
  private timer: NodeJS.Timeout | null = null;
  private lastReprioritization: number | null = null;
  private ticking: Promise<TickResult> | null = null;

  constructor(
    private readonly work: WorkService,
    private readonly engine: RoutingEngine,
    private readonly options: WorkSchedulerOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.tick().catch((error: unknown) =>
        this.options.log?.error(`work scheduler: ${(error as Error).message}`),
      );
    }, this.options.schedulerSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }

  /** Everything due at `now` (default: the clock), then a routing pass. */
  async tick(now: number = this.options.now()): Promise<TickResult> {
    const run = async (): Promise<TickResult> => {
      const expiredOffers = await this.engine.expireOffers(now);
      const noAgentActions = await this.applyNoAgentRules(now);
      const slaEscalations = await this.escalateSla(now);
      let reprioritized = 0;
      const every = this.options.reprioritizeSeconds * 1000;
      if (this.lastReprioritization === null || now - this.lastReprioritization >= every) {
        reprioritized = await this.reprioritize(now);
        this.lastReprioritization = now;
      }
      await this.engine.route(now);
      return { expiredOffers, noAgentActions, slaEscalations, reprioritized };
    };
    this.ticking = run();
    try {
      return await this.ticking;
    } finally {
      this.ticking = null;
    }
  }

  /** The no-agent rules of the queues that have some, over their waiting items. How many applied. */
  async applyNoAgentRules(now: number): Promise<number> {
    const { db } = this.work.ctx;
    const queues = await db.selectFrom('work_queues').select(['id', 'escalation']).execute();
    const rules = new Map(
      queues
        .map((q) => [q.id, (q.escalation as Partial<EscalationRules>).noAgent] as const)
        .filter(
          (entry): entry is [string, EscalationRules['noAgent']] =>
            entry[1] !== undefined &&
            (entry[1].raisePriority !== null ||
              entry[1].moveToQueue !== null ||
              entry[1].alertSupervisor !== null),
        ),
    );
    if (rules.size === 0) return 0;
    const items = await db
      .selectFrom('work_items')
      .select(['id', 'queue_id', 'base_priority', 'queued_at', 'no_agent_applied'])
      .where('status', '=', 'queued')
      .where('queue_id', 'in', [...rules.keys()])
      .where('queued_at', 'is not', null)
      .execute();
    let applied = 0;
    for (const item of items) {
      const queueId = item.queue_id as string;
      const due = noAgentActionsDue(
        {
          basePriority: item.base_priority,
          waitingSince: Date.parse(item.queued_at as string),
          applied: item.no_agent_applied as NoAgentActionKind[],
        },
        rules.get(queueId) as EscalationRules['noAgent'],
        now,
      );
      for (const action of due) {
        if (action.kind === 'move-queue') {
          const moved = await skipStale(() =>
            this.work.transition(
              item.id,
              {
                action: 'move',
                queueId: action.queueId,
                reason: `no qualified agent free in queue ${queueId}`,
              },
              ROUTING_ACTOR,
            ),
          );
          if (moved) applied += 1;
        } else {
          const rule =
            action.kind === 'raise-priority'
              ? { kind: action.kind, from: action.from, to: action.to }
              : { kind: action.kind, supervisorId: action.supervisorId };
          if (await this.work.applyNoAgentRule(item.id, queueId, rule, ROUTING_ACTOR)) applied += 1;
        }
      }
    }
    return applied;
  }

  /** Escalates the unfinished items not yet taken that reached their SLA threshold. How many. */
  async escalateSla(now: number): Promise<number> {
    const { db } = this.work.ctx;
    const [queues, types] = await Promise.all([
      db.selectFrom('work_queues').select(['id', 'escalation']).execute(),
      db.selectFrom('work_types').select(['id', 'sla_escalation']).execute(),
    ]);
    const byQueue = new Map<string, SlaPolicy>();
    for (const q of queues) {
      const sla = (q.escalation as Partial<EscalationRules>).sla;
      if (sla) byQueue.set(q.id, sla);
    }
    const byType = new Map<string, SlaPolicy>();
    for (const t of types) if (t.sla_escalation) byType.set(t.id, t.sla_escalation as SlaPolicy);
    if (byQueue.size === 0 && byType.size === 0) return 0;
    // Escalation takes the item from the queue or its agent: not once someone works on it.
    const items = await db
      .selectFrom('work_items')
      .select(['id', 'version', 'type_id', 'queue_id', 'created_at', 'due_at'])
      .where('status', 'in', ['created', 'queued', 'assigned'])
      .where('escalated_at', 'is', null)
      .where('due_at', 'is not', null)
      .execute();
    const queueIds = new Set(queues.map((q) => q.id));
    let escalated = 0;
    for (const item of items) {
      const policy = resolveSlaPolicy({ byQueue, byType }, item.queue_id ?? '', item.type_id);
      if (!policy) continue;
      const due = slaEscalationDue(
        {
          createdAt: Date.parse(item.created_at),
          dueAt: Date.parse(item.due_at as string),
          finished: false,
          escalatedAt: null,
        },
        policy,
        now,
      );
      if (!due) continue;
      const target =
        due.escalation.kind === 'supervisor-workbin'
          ? { workbinId: due.escalation.workbinId }
          : // An agent group is a queue (the agents serving it); a team name that is no queue keeps the
            // item in its queue, escalated and back to routing.
            {
              queueId: queueIds.has(due.escalation.groupId) ? due.escalation.groupId : (item.queue_id ?? ''),
            };
      const done = await skipStale(() =>
        this.work.transition(
          item.id,
          {
            action: 'escalate',
            expectedVersion: item.version,
            ...target,
            reason: `${due.thresholdPercent} % of the SLA elapsed`,
          },
          SLA_ACTOR,
        ),
      );
      if (done) escalated += 1;
    }
    return escalated;
  }

  /**
   * Recomputes every open item's priority (queues and workbins) with routing's formula and writes the
   * changes in one UPDATE per thousand items: no event and no version change (the item's data did not
   * change, only its place in the lists). Items whose base priority changed meanwhile are left to the
   * next run. How many changed.
   */
  async reprioritize(now: number): Promise<number> {
    const { db } = this.work.ctx;
    const rows = await db
      .selectFrom('work_items')
      .select(['id', 'base_priority', 'priority', 'created_at', 'due_at'])
      .where('status', 'not in', ['completed', 'cancelled'])
      .execute();
    const base = new Map(rows.map((r) => [r.id, r.base_priority]));
    const changes = reprioritize(
      rows.map((r) => ({
        id: r.id,
        basePriority: r.base_priority,
        priority: r.priority,
        createdAt: Date.parse(r.created_at),
        dueAt: r.due_at === null ? null : Date.parse(r.due_at),
      })),
      this.options.reprioritization ?? DEFAULT_REPRIORITIZATION,
      now,
    );
    let changed = 0;
    for (let i = 0; i < changes.length; i += 1000) {
      const values = changes
        .slice(i, i + 1000)
        .map((c) => ({ id: c.id, from: c.from, to: c.to, base: base.get(c.id) }));
      const result = await sql`
        update work_items as w set priority = v."to"
        from jsonb_to_recordset(${jsonb(values)}) as v(id uuid, "from" integer, "to" integer, base integer)
        where w.id = v.id and w.priority = v."from" and w.base_priority = v.base
          and w.status not in ('completed', 'cancelled')`.execute(db);
      changed += Number(result.numAffectedRows ?? 0);
    }
    return changed;
  }
}
