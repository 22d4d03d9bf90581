import { z } from 'zod';

const afterSeconds = z.number().int().nonnegative();

/**
 * A queue's rules for items that no qualified agent is free to take, each applied once, counted from the
 * moment the item started waiting in the queue. Every rule is optional (null).
 */
export const noAgentRulesSchema = z
  .object({
    /** Raise the item's base priority by `by`, never above `max`. */
    raisePriority: z
      .object({ afterSeconds, by: z.number().int().positive(), max: z.number().int() })
      .strict()
      .nullable()
      .default(null),
    /** Move the item to another queue (whose own rules then apply, counted from the move). */
    moveToQueue: z
      .object({ afterSeconds, queueId: z.string().min(1) })
      .strict()
      .nullable()
      .default(null),
    /** Alert a supervisor (null: the queue's supervisors). */
    alertSupervisor: z
      .object({ afterSeconds, supervisorId: z.string().min(1).nullable().default(null) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type NoAgentRules = z.infer<typeof noAgentRulesSchema>;

export type NoAgentActionKind = 'raise-priority' | 'move-queue' | 'alert-supervisor';

export type NoAgentAction =
  | { kind: 'raise-priority'; at: number; from: number; to: number }
  | { kind: 'move-queue'; at: number; queueId: string }
  | { kind: 'alert-supervisor'; at: number; supervisorId: string | null };

export interface WaitingItem {
  basePriority: number;
  /** When the item started waiting in its current queue without a qualified agent free. */
  waitingSince: number;
  /** The actions already applied in the current queue. */
  applied: readonly NoAgentActionKind[];
}

/** At equal times: raise and alert while still in this queue, move last. */
const TIE_ORDER: Record<NoAgentActionKind, number> = {
  'raise-priority': 0,
  'alert-supervisor': 1,
  'move-queue': 2,
};

function schedule(item: WaitingItem, rules: NoAgentRules): NoAgentAction[] {
  const at = (seconds: number) => item.waitingSince + seconds * 1000;
  const actions: NoAgentAction[] = [];
  const { raisePriority, moveToQueue, alertSupervisor } = rules;
  if (raisePriority !== null) {
    const raised = Math.min(raisePriority.max, item.basePriority + raisePriority.by);
    actions.push({
      kind: 'raise-priority',
      at: at(raisePriority.afterSeconds),
      from: item.basePriority,
      // Never lowers a priority that is already above the bound.
      to: Math.max(item.basePriority, raised),
    });
  }
  if (moveToQueue !== null) {
    actions.push({ kind: 'move-queue', at: at(moveToQueue.afterSeconds), queueId: moveToQueue.queueId });
  }
  if (alertSupervisor !== null) {
    actions.push({
      kind: 'alert-supervisor',
      at: at(alertSupervisor.afterSeconds),
      supervisorId: alertSupervisor.supervisorId,
    });
  }
  return actions
    .filter((a) => !item.applied.includes(a.kind))
    .sort((a, b) => a.at - b.at || TIE_ORDER[a.kind] - TIE_ORDER[b.kind]);
}

/**
 * The no-agent actions due at `now` (a rule is due from exactly its time on), in time order, leaving out
 * those already applied — the caller records each one it applies, so none is ever returned twice. Nothing
 * after a move is returned: the item leaves the queue whose rules they belong to, and the caller restarts
 * `waitingSince` and `applied` in the new queue. A raise that the bound makes a no-op is still returned
 * once (from = to) so that it can be recorded as applied.
 */
export function noAgentActionsDue(item: WaitingItem, rules: NoAgentRules, now: number): NoAgentAction[] {
  const due: NoAgentAction[] = [];
  for (const action of schedule(item, rules)) {
    if (action.at > now) break;
    due.push(action);
    if (action.kind === 'move-queue') break;
  }
  return due;
}

/** When the next not-yet-applied action becomes due (epoch ms; may be past), or null when none is left. */
export function nextNoAgentCheck(item: WaitingItem, rules: NoAgentRules): number | null {
  return schedule(item, rules)[0]?.at ?? null;
}
