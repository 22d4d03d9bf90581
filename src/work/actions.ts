import type { Transaction, UpdateObject } from 'kysely';
import type { OperationalSchema } from '../store/index.ts';
import type { Problem } from './attributes.ts';
import { jsonb } from './db.ts';
import { missingReferences } from './definitions.ts';
import { AgentUnavailableError, assertNoProblems, WorkValidationError } from './errors.ts';
import type { TransitionCommand } from './items.ts';
import { activeItemCount, type ItemRow, lockAgent, lockAgentForAssignment } from './repository.ts';
import type { LifecycleAction } from './state-machine.ts';
import type { WorkType } from './work-types.ts';

/**
 * What each lifecycle action takes and changes besides the status (which the state machine decides):
 * queue/move/escalate set the queue and workbin and take the item from its agent; assign/claim give it to
 * an agent within their workitem capacity (the agent's row is locked, so concurrent assignments to one
 * agent take turns) and restart the agent's idle time; decline gives it back to the queue (still waiting
 * there since it was queued); wait takes one of the work type's waiting statuses; complete/cancel stamp
 * the end.
 */

type Trx = Transaction<OperationalSchema>;

/** Which parameters each action takes (besides expectedVersion); others are refused. */
const PARAMETERS: Record<LifecycleAction, readonly (keyof TransitionCommand)[]> = {
  queue: ['queueId', 'workbinId', 'reason'],
  move: ['queueId', 'workbinId', 'reason'],
  escalate: ['queueId', 'workbinId', 'reason'],
  assign: ['agentId', 'reason'],
  claim: ['agentId'],
  decline: ['reason'],
  start: [],
  pause: ['reason'],
  resume: [],
  wait: ['waitingStatus', 'reason'],
  complete: ['reason'],
  cancel: ['reason'],
};

export interface Change {
  set: Omit<UpdateObject<OperationalSchema, 'work_items'>, 'version'>;
  details: Record<string, unknown>;
}

/** Refuses missing parameters and parameters the action does not take, each by its field. */
export function checkParameters(command: TransitionCommand, action: LifecycleAction): void {
  const allowed = PARAMETERS[action];
  const problems: Problem[] = [];
  for (const name of ['agentId', 'queueId', 'workbinId', 'waitingStatus', 'reason'] as const)
    if (command[name] !== undefined && !allowed.includes(name))
      problems.push({ field: name, message: `is not a parameter of ${action}` });
  if (action === 'assign' && command.agentId === undefined)
    problems.push({ field: 'agentId', message: 'assign needs the agent' });
  if (action === 'wait' && command.waitingStatus === undefined)
    problems.push({ field: 'waitingStatus', message: 'wait needs one of the work type’s waiting statuses' });
  if ((action === 'move' || action === 'escalate') && !command.queueId && !command.workbinId)
    problems.push({ field: 'queueId', message: `${action} needs a queueId or a workbinId` });
  assertNoProblems(problems);
}

/** What an action changes besides the status. */
export async function changeFor(
  trx: Trx,
  {
    row,
    type,
    command,
    at,
    offer = false,
  }: { row: ItemRow; type: WorkType; command: TransitionCommand; at: string; offer?: boolean },
): Promise<Change> {
  switch (command.action) {
    case 'queue':
    case 'move':
    case 'escalate': {
      const queueId =
        command.queueId ?? (command.action === 'queue' ? type.defaultQueueId : null) ?? row.queue_id;
      const workbinId =
        command.workbinId ?? (command.action === 'queue' ? type.defaultWorkbinId : null) ?? row.workbin_id;
      if (!queueId && !workbinId)
        throw new WorkValidationError([
          { field: 'queueId', message: `work type "${type.id}" has no default queue or workbin: name one` },
        ]);
      assertNoProblems(
        await missingReferences(trx, [
          { field: 'queueId', kind: 'queue', id: command.queueId },
          { field: 'workbinId', kind: 'workbin', id: command.workbinId },
        ]),
      );
      return {
        // A new place: the no-agent rules start over there.
        set: {
          queue_id: queueId,
          workbin_id: workbinId,
          assignee_id: null,
          assigned_at: null,
          queued_at: at,
          no_agent_applied: jsonb([]),
          ...(command.action === 'escalate' ? { escalated_at: at } : {}),
        },
        details: {
          queueId,
          workbinId,
          from: { queueId: row.queue_id, workbinId: row.workbin_id, assigneeId: row.assignee_id },
        },
      };
    }
    case 'assign':
    case 'claim': {
      const agentId = command.agentId ?? '';
      const agent = await lockAgentForAssignment(trx, agentId, at);
      if (!agent) throw new WorkValidationError([{ field: 'agentId', message: `no agent "${agentId}"` }]);
      // Push routing offers to available agents only (a supervisor may assign to anyone).
      if (offer && agent.presence !== 'available')
        throw new AgentUnavailableError(
          `agent "${agentId}" is ${agent.presence}: push routing offers nothing`,
        );
      const capacity = (agent.capacity as Record<string, number>).workitem ?? 0;
      const active = await activeItemCount(trx, agentId, row.id);
      if (active >= capacity)
        throw new AgentUnavailableError(
          `agent "${agentId}" is at capacity: ${active} active work item(s) of ${capacity} allowed`,
        );
      return {
        set: { assignee_id: agentId, assigned_at: at },
        details: { agentId, ...(row.assignee_id ? { from: row.assignee_id } : {}) },
      };
    }
    case 'resume': {
      // Waiting does not count against capacity (routing may have filled the slot): coming back must fit.
      if (row.status !== 'waiting' || !row.assignee_id) return { set: {}, details: {} };
      const agent = await lockAgent(trx, row.assignee_id);
      const capacity = ((agent?.capacity ?? {}) as Record<string, number>).workitem ?? 0;
      const active = await activeItemCount(trx, row.assignee_id, row.id);
      if (active >= capacity)
        throw new AgentUnavailableError(
          `agent "${row.assignee_id}" is at capacity: ${active} active work item(s) of ${capacity} allowed; finish one first`,
        );
      return { set: {}, details: {} };
    }
    case 'decline':
      return {
        set: { assignee_id: null, assigned_at: null },
        details: { agentId: row.assignee_id },
      };
    case 'wait': {
      const status = command.waitingStatus ?? '';
      if (!type.waitingStatuses.includes(status))
        throw new WorkValidationError([
          {
            field: 'waitingStatus',
            message:
              type.waitingStatuses.length > 0
                ? `must be one of ${type.waitingStatuses.join(', ')} (work type "${type.id}")`
                : `work type "${type.id}" declares no waiting statuses`,
          },
        ]);
      return { set: {}, details: { waitingStatus: status } };
    }
    case 'complete':
    case 'cancel':
      return { set: { ended_at: at }, details: {} };
    default:
      return { set: {}, details: {} };
  }
}
