import type { Transaction } from 'kysely';
import { enqueue, type JsonValue, type OperationalSchema } from '../store/index.ts';
import { toWorkItem } from './items.ts';
import type { ItemRow } from './repository.ts';
import { TRANSITIONS, type WorkAction } from './state-machine.ts';
import type { WorkType } from './work-types.ts';

/**
 * Calls back to source systems go through the transactional outbox: a message is written in the same
 * transaction as the change, when the item's work type lists the action among its callback transitions.
 * Its key is `itemId:seq` (one message per event, at least once); its payload the item as it is after the
 * change — the final attributes on completion. A dispatcher claims and delivers them, HMAC-signed with the
 * secret the work type names (the delivery is the callbacks' own module, not this one).
 */

/** Outbox topic of the calls back to source systems. */
export const CALLBACK_TOPIC = 'work.callback';

type Trx = Transaction<OperationalSchema>;

/** The source system's callback message, in the change's transaction, when the work type asks for one. */
export async function enqueueCallback(
  trx: Trx,
  type: WorkType,
  action: WorkAction,
  item: ItemRow,
  seq: number,
  at: string,
): Promise<void> {
  if (!type.callback?.transitions.includes(action)) return;
  const snapshot = JSON.parse(JSON.stringify(toWorkItem(item))) as JsonValue;
  await enqueue(trx, {
    topic: CALLBACK_TOPIC,
    key: `${item.id}:${seq}`,
    payload: { itemId: item.id, seq, action, event: TRANSITIONS[action].event, at, item: snapshot },
    availableAt: at,
  });
}
