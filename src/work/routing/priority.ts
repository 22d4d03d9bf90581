import { z } from 'zod';

/**
 * Re-prioritization: an open item's priority follows the nearness of its due date.
 *
 *   urgency u  = clamp((now − createdAt) / (dueAt − createdAt), 0, 1)   — share of the SLA elapsed
 *   priority   = base                                  without a due date
 *              = max(base, min(max, base + ⌊weight × u⌋))   before the due date
 *              = max(base, max)                         from the due date on (overdue)
 *
 * `base` is the item's base priority (the work type's default, raised by no-agent rules); higher is more
 * urgent. Overdue items all sit at the top value and, at equal priority, the urgency ordering puts the
 * earliest due date first. The result never decreases as `now` increases and never exceeds max(base, max).
 */
export const reprioritizationSchema = z
  .object({
    /** Points added over the whole SLA. */
    weight: z.number().int().nonnegative().default(50),
    /** Ceiling of the urgency-driven priority, and the priority of overdue items. */
    max: z.number().int().default(100),
  })
  .strict();

export type Reprioritization = z.infer<typeof reprioritizationSchema>;

export const DEFAULT_REPRIORITIZATION: Reprioritization = { weight: 50, max: 100 };

export interface PrioritizedItem {
  id: string;
  basePriority: number;
  /** The priority stored now. */
  priority: number;
  createdAt: number;
  dueAt: number | null;
}

/** Share of the SLA elapsed at `now`, from 0 (just created) to 1 (due); 0 without a due date. */
export function urgency(item: Pick<PrioritizedItem, 'createdAt' | 'dueAt'>, now: number): number {
  if (item.dueAt === null) return 0;
  if (now >= item.dueAt) return 1;
  const sla = item.dueAt - item.createdAt;
  if (sla <= 0) return 0;
  return Math.min(1, Math.max(0, (now - item.createdAt) / sla));
}

export function priorityAt(item: PrioritizedItem, params: Reprioritization, now: number): number {
  if (item.dueAt === null) return item.basePriority;
  if (now >= item.dueAt) return Math.max(item.basePriority, params.max);
  const boosted = item.basePriority + Math.floor(params.weight * urgency(item, now));
  return Math.max(item.basePriority, Math.min(params.max, boosted));
}

export interface PriorityChange {
  id: string;
  from: number;
  to: number;
}

/** One scheduler tick over every open item (in queues and workbins alike): the priorities that change. */
export function reprioritize(
  items: readonly PrioritizedItem[],
  params: Reprioritization,
  now: number,
): PriorityChange[] {
  const changes: PriorityChange[] = [];
  for (const item of items) {
    const to = priorityAt(item, params, now);
    if (to !== item.priority) changes.push({ id: item.id, from: item.priority, to });
  }
  return changes;
}
