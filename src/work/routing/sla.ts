import { z } from 'zod';

/** Escalation of unfinished items at a share of their SLA (per work type or per queue). */
export const slaPolicySchema = z
  .object({
    /** Share of the SLA (creation → due date) after which an unfinished item escalates, e.g. 80. */
    thresholdPercent: z.number().gt(0).lte(100),
    escalation: z.discriminatedUnion('kind', [
      /** Route the item to another agent group. */
      z.object({ kind: z.literal('reassign-group'), groupId: z.string().min(1) }).strict(),
      /** Put the item in a supervisor's workbin. */
      z.object({ kind: z.literal('supervisor-workbin'), workbinId: z.string().min(1) }).strict(),
    ]),
  })
  .strict();

export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export interface SlaPolicies {
  byQueue: ReadonlyMap<string, SlaPolicy>;
  byType: ReadonlyMap<string, SlaPolicy>;
}

/**
 * The policy for an item: its queue's if the queue has one (the escalation target belongs to the team
 * that owns the queue), else its work type's, else none.
 */
export function resolveSlaPolicy(policies: SlaPolicies, queueId: string, typeId: string): SlaPolicy | null {
  return policies.byQueue.get(queueId) ?? policies.byType.get(typeId) ?? null;
}

export interface SlaTrackedItem {
  createdAt: number;
  /** Due date from the SLA; null when the item has no SLA. */
  dueAt: number | null;
  /** Completed or cancelled. */
  finished: boolean;
  /** When the item was escalated, null when never: an item escalates once. */
  escalatedAt: number | null;
}

export interface SlaEscalation {
  /** The instant the threshold was reached (epoch ms). */
  at: number;
  thresholdPercent: number;
  escalation: SlaPolicy['escalation'];
}

/**
 * The first millisecond at which `thresholdPercent` of the SLA has elapsed: createdAt + ⌈(dueAt −
 * createdAt) × X / 100⌉. Null without a due date. Integer arithmetic on milliseconds keeps exactly 80 %
 * on the right side of the line.
 */
export function slaEscalationAt(item: SlaTrackedItem, policy: SlaPolicy): number | null {
  if (item.dueAt === null) return null;
  const sla = Math.max(0, item.dueAt - item.createdAt);
  return item.createdAt + Math.ceil((sla * policy.thresholdPercent) / 100);
}

/** The escalation due at `now`, or null: not reached yet, no SLA, finished, or already escalated. */
export function slaEscalationDue(item: SlaTrackedItem, policy: SlaPolicy, now: number): SlaEscalation | null {
  if (item.finished || item.escalatedAt !== null) return null;
  const at = slaEscalationAt(item, policy);
  if (at === null || now < at) return null;
  return { at, thresholdPercent: policy.thresholdPercent, escalation: policy.escalation };
}
