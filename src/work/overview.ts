import type { WorkActor } from './actor.ts';
import type { Agent } from './agents.ts';
import { listAgents } from './agents.ts';
import type { WorkContext } from './context.ts';
import { toWorkItem, type WorkItem } from './items.ts';
import { type EscalationRules, listQueues } from './queues.ts';
import { resolveSlaPolicy, type SlaPolicy, slaEscalationAt } from './routing/index.ts';
import { ACTIVE_STATUSES, FINAL_STATUSES } from './state-machine.ts';

/**
 * The supervisor's view (GET /api/v1/work/overview): each queue's depth, oldest waiting item and items at
 * SLA risk (past their escalation threshold, or overdue without a policy); each agent's presence and load;
 * the open items nearest their due date. Limited to the viewer's divisions.
 */

export interface QueueOverview {
  id: string;
  name: string;
  routing: 'push' | 'pull';
  depth: number;
  oldestQueuedAt: string | null;
  atSlaRisk: number;
}

export interface AgentOverview {
  id: string;
  name: string;
  presence: Agent['presence'];
  load: number;
  capacity: number;
  lastIdleAt: string | null;
}

export interface WorkOverview {
  asOf: string;
  queues: QueueOverview[];
  agents: AgentOverview[];
  atRisk: WorkItem[];
}

const AT_RISK_LIMIT = 50;

export async function workOverview(ctx: WorkContext, actor: WorkActor): Promise<WorkOverview> {
  const now = ctx.now();
  const [queues, agents] = await Promise.all([listQueues(ctx, actor), listAgents(ctx, actor)]);
  let open = ctx.db
    .selectFrom('work_items')
    .selectAll()
    .where('status', 'not in', [...FINAL_STATUSES]);
  if (actor.divisions !== 'all') {
    if (actor.divisions.length === 0) return { asOf: now.toISOString(), queues: [], agents: [], atRisk: [] };
    open = open.where('division_id', 'in', actor.divisions);
  }
  const [rows, types] = await Promise.all([
    open.execute(),
    ctx.db.selectFrom('work_types').select(['id', 'sla_escalation']).execute(),
  ]);
  const byQueue = new Map<string, SlaPolicy>();
  for (const q of queues)
    if ((q.escalation as EscalationRules).sla) byQueue.set(q.id, q.escalation.sla as SlaPolicy);
  const byType = new Map<string, SlaPolicy>();
  for (const t of types) if (t.sla_escalation) byType.set(t.id, t.sla_escalation as SlaPolicy);
  const atRiskIn = new Map<string, number>();
  const load = new Map<string, number>();
  for (const row of rows) {
    if (row.assignee_id && ACTIVE_STATUSES.includes(row.status as (typeof ACTIVE_STATUSES)[number]))
      load.set(row.assignee_id, (load.get(row.assignee_id) ?? 0) + 1);
    if (!row.queue_id || row.due_at === null) continue;
    const dueAt = Date.parse(row.due_at);
    const policy = resolveSlaPolicy({ byQueue, byType }, row.queue_id, row.type_id);
    const threshold = policy
      ? slaEscalationAt(
          { createdAt: Date.parse(row.created_at), dueAt, finished: false, escalatedAt: null },
          policy,
        )
      : dueAt;
    if (threshold !== null && now.getTime() >= Math.min(threshold, dueAt))
      atRiskIn.set(row.queue_id, (atRiskIn.get(row.queue_id) ?? 0) + 1);
  }
  const queued = rows.filter((r) => r.status === 'queued');
  return {
    asOf: now.toISOString(),
    queues: queues.map((q) => {
      const waiting = queued.filter((r) => r.queue_id === q.id);
      const oldest = waiting.reduce<string | null>(
        (min, r) => (r.queued_at !== null && (min === null || r.queued_at < min) ? r.queued_at : min),
        null,
      );
      return {
        id: q.id,
        name: q.name,
        routing: q.routingMethod,
        depth: waiting.length,
        oldestQueuedAt: oldest,
        atSlaRisk: atRiskIn.get(q.id) ?? 0,
      };
    }),
    agents: agents.map((a) => ({
      id: a.id,
      name: a.name,
      presence: a.presence,
      load: load.get(a.id) ?? 0,
      capacity: a.capacity.workitem ?? 0,
      lastIdleAt: a.lastIdleAt,
    })),
    atRisk: rows
      .filter((r) => r.due_at !== null)
      .sort((a, b) => Date.parse(a.due_at as string) - Date.parse(b.due_at as string))
      .slice(0, AT_RISK_LIMIT)
      .map(toWorkItem),
  };
}
