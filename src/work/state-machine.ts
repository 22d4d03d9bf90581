/**
 * The work-item lifecycle as one explicit table (README "Work automation"):
 *
 *   created ─queue→ queued ─assign/claim→ assigned ─start→ in-progress ⇄ paused → completed | cancelled
 *                      ↑ └──────── decline ───────┘           ⇅ wait/resume
 *                      └── move / escalate                  waiting (a status the work type declares)
 *
 * Every change is a named action with the statuses it starts from and the status it leads to; anything
 * else is refused with the actions that are allowed. Each action is recorded as the event named here.
 * Accepting a pushed item is starting it (`start`); refusing it is `decline`.
 */

export const WORK_ITEM_STATUSES = [
  'created',
  'queued',
  'assigned',
  'in-progress',
  'paused',
  'waiting',
  'completed',
  'cancelled',
] as const;
export type WorkItemStatus = (typeof WORK_ITEM_STATUSES)[number];

export const FINAL_STATUSES: readonly WorkItemStatus[] = ['completed', 'cancelled'];
export const OPEN_STATUSES: readonly WorkItemStatus[] = WORK_ITEM_STATUSES.filter(
  (s) => !FINAL_STATUSES.includes(s),
);
/** Statuses in which an item holds an agent and counts against the agent's workitem capacity. */
export const ACTIVE_STATUSES: readonly WorkItemStatus[] = ['assigned', 'in-progress', 'paused'];

/** Event names of the domain guide (§1: work automation's activities) plus Updated, Declined, Waiting. */
export const WORK_EVENT_NAMES = [
  'Work Item Created',
  'Work Item Routed',
  'Work Item Assigned',
  'Work Item Declined',
  'Work Item Started',
  'Work Item Paused',
  'Work Item Resumed',
  'Work Item Waiting',
  'Work Item Escalated',
  'Work Item Updated',
  'Work Item Completed',
  'Work Item Cancelled',
] as const;
export type WorkEventName = (typeof WORK_EVENT_NAMES)[number];

export interface Transition {
  from: readonly WorkItemStatus[];
  /** 'unchanged': the action changes the item's data, not its status (update). */
  to: WorkItemStatus | 'unchanged';
  event: WorkEventName;
}

const OPEN = OPEN_STATUSES;

export const TRANSITIONS = {
  /** Put a new item in a queue and/or workbin. */
  queue: { from: ['created'], to: 'queued', event: 'Work Item Routed' },
  /** A supervisor moves an item to another queue or workbin (taking it from its agent). */
  move: { from: ['queued', 'assigned'], to: 'queued', event: 'Work Item Routed' },
  /** Escalation (no qualified agent, SLA threshold): to another queue or a supervisor's workbin. */
  escalate: { from: ['created', 'queued', 'assigned'], to: 'queued', event: 'Work Item Escalated' },
  /** Push routing or a supervisor gives the item to an agent (also from one agent to another). */
  assign: { from: ['queued', 'assigned'], to: 'assigned', event: 'Work Item Assigned' },
  /** Pull: an agent takes a waiting item; only one of concurrent claims wins. */
  claim: { from: ['queued'], to: 'assigned', event: 'Work Item Assigned' },
  /** The agent refuses an offered item (or does not answer in time): back to the queue. */
  decline: { from: ['assigned'], to: 'queued', event: 'Work Item Declined' },
  /** The agent accepts and starts working. */
  start: { from: ['assigned'], to: 'in-progress', event: 'Work Item Started' },
  pause: { from: ['in-progress'], to: 'paused', event: 'Work Item Paused' },
  resume: { from: ['paused', 'waiting'], to: 'in-progress', event: 'Work Item Resumed' },
  /** Waiting on someone else (the customer, a third party): one of the work type's waiting statuses. */
  wait: { from: ['in-progress', 'paused'], to: 'waiting', event: 'Work Item Waiting' },
  complete: { from: ['in-progress', 'paused', 'waiting'], to: 'completed', event: 'Work Item Completed' },
  cancel: { from: OPEN, to: 'cancelled', event: 'Work Item Cancelled' },
  /** Title, description, priority, due date, attributes: while the item is open. */
  update: { from: OPEN, to: 'unchanged', event: 'Work Item Updated' },
} as const satisfies Record<string, Transition>;

export type WorkAction = keyof typeof TRANSITIONS;
export const WORK_ACTIONS = Object.keys(TRANSITIONS) as WorkAction[];
/** The actions that move an item through its lifecycle (update changes its data: its own request). */
export type LifecycleAction = Exclude<WorkAction, 'update'>;
export const LIFECYCLE_ACTIONS = WORK_ACTIONS.filter((a): a is LifecycleAction => a !== 'update');

/** The actions allowed from a status, in the table's order (none from a final status). */
export function allowedTransitions(status: WorkItemStatus): WorkAction[] {
  return WORK_ACTIONS.filter((action) => (TRANSITIONS[action].from as readonly string[]).includes(status));
}

export class TransitionRefusedError extends Error {
  override name = 'TransitionRefusedError';
  constructor(
    readonly status: WorkItemStatus,
    readonly action: WorkAction,
    readonly allowed: readonly WorkAction[],
  ) {
    super(
      `cannot ${action} a work item that is ${status}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none (it is finished)'}`,
    );
  }
}

/** The status an action leads to from `status`; TransitionRefusedError when the table has no such edge. */
export function nextStatus(status: WorkItemStatus, action: WorkAction): WorkItemStatus {
  const transition: Transition = TRANSITIONS[action];
  if (!transition.from.includes(status))
    throw new TransitionRefusedError(status, action, allowedTransitions(status));
  return transition.to === 'unchanged' ? status : transition.to;
}

export const isFinal = (status: WorkItemStatus): boolean => FINAL_STATUSES.includes(status);
