import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  nextStatus,
  TRANSITIONS,
  TransitionRefusedError,
  WORK_ACTIONS,
  WORK_ITEM_STATUSES,
  type WorkAction,
  type WorkItemStatus,
} from '../src/work/index.ts';

/**
 * The lifecycle, written out here independently of the table in src/work/state-machine.ts: every
 * (status, action) pair is either the transition below or refused with exactly the allowed actions.
 */
const OPEN = ['created', 'queued', 'assigned', 'in-progress', 'paused', 'waiting'] as const;
const same = Object.fromEntries(OPEN.map((s) => [s, s]));

const EXPECTED: Record<WorkAction, Partial<Record<WorkItemStatus, WorkItemStatus>>> = {
  queue: { created: 'queued' },
  move: { queued: 'queued', assigned: 'queued' },
  escalate: { created: 'queued', queued: 'queued', assigned: 'queued' },
  assign: { queued: 'assigned', assigned: 'assigned' },
  claim: { queued: 'assigned' },
  decline: { assigned: 'queued' },
  start: { assigned: 'in-progress' },
  pause: { 'in-progress': 'paused' },
  resume: { paused: 'in-progress', waiting: 'in-progress' },
  wait: { 'in-progress': 'waiting', paused: 'waiting' },
  complete: { 'in-progress': 'completed', paused: 'completed', waiting: 'completed' },
  cancel: Object.fromEntries(OPEN.map((s) => [s, 'cancelled'])),
  update: same,
};

const EXPECTED_EVENTS: Record<WorkAction, string> = {
  queue: 'Work Item Routed',
  move: 'Work Item Routed',
  escalate: 'Work Item Escalated',
  assign: 'Work Item Assigned',
  claim: 'Work Item Assigned',
  decline: 'Work Item Declined',
  start: 'Work Item Started',
  pause: 'Work Item Paused',
  resume: 'Work Item Resumed',
  wait: 'Work Item Waiting',
  complete: 'Work Item Completed',
  cancel: 'Work Item Cancelled',
  update: 'Work Item Updated',
};

const ALL_ACTIONS = Object.keys(EXPECTED) as WorkAction[];
const allowedFrom = (status: WorkItemStatus) => ALL_ACTIONS.filter((a) => EXPECTED[a][status] !== undefined);

const pairs = WORK_ITEM_STATUSES.flatMap((status) => ALL_ACTIONS.map((action) => ({ status, action })));
const allowedPairs = pairs.filter(({ status, action }) => EXPECTED[action][status] !== undefined);
const refusedPairs = pairs.filter(({ status, action }) => EXPECTED[action][status] === undefined);

describe('work item state machine', () => {
  it('has exactly the statuses and actions of the lifecycle', () => {
    expect([...WORK_ITEM_STATUSES]).toEqual([...OPEN, 'completed', 'cancelled']);
    expect([...WORK_ACTIONS].sort()).toEqual([...ALL_ACTIONS].sort());
    // 104 pairs: 31 transitions, 73 refusals.
    expect(pairs).toHaveLength(8 * 13);
    expect(allowedPairs).toHaveLength(31);
  });

  it.each(allowedPairs)('$status --$action--> allowed', ({ status, action }) => {
    expect(nextStatus(status, action)).toBe(EXPECTED[action][status]);
  });

  it.each(refusedPairs)('$status --$action--> refused with the allowed actions', ({ status, action }) => {
    let error: unknown;
    try {
      nextStatus(status, action);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransitionRefusedError);
    const refused = error as TransitionRefusedError;
    expect(refused.status).toBe(status);
    expect(refused.action).toBe(action);
    expect([...refused.allowed].sort()).toEqual(allowedFrom(status).sort());
    expect(refused.message).toContain(`cannot ${action} a work item that is ${status}`);
    for (const allowed of refused.allowed) expect(refused.message).toContain(allowed);
  });

  it.each([...WORK_ITEM_STATUSES])('allowedTransitions(%s)', (status) => {
    expect([...allowedTransitions(status)].sort()).toEqual(allowedFrom(status).sort());
  });

  it('allows nothing once finished, and says so', () => {
    expect(allowedTransitions('completed')).toEqual([]);
    expect(allowedTransitions('cancelled')).toEqual([]);
    expect(() => nextStatus('completed', 'update')).toThrow('allowed: none (it is finished)');
  });

  it.each(ALL_ACTIONS)('records %s as its event', (action) => {
    expect(TRANSITIONS[action].event).toBe(EXPECTED_EVENTS[action]);
  });

  it('walks the whole lifecycle, with a decline, a pause and a wait on the way', () => {
    const path: [WorkAction, WorkItemStatus][] = [
      ['queue', 'queued'],
      ['assign', 'assigned'],
      ['decline', 'queued'],
      ['claim', 'assigned'],
      ['start', 'in-progress'],
      ['pause', 'paused'],
      ['resume', 'in-progress'],
      ['wait', 'waiting'],
      ['resume', 'in-progress'],
      ['update', 'in-progress'],
      ['complete', 'completed'],
    ];
    let status: WorkItemStatus = 'created';
    for (const [action, expected] of path) {
      status = nextStatus(status, action);
      expect(status).toBe(expected);
    }
  });
});
