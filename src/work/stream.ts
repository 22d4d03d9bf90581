import { sql } from 'kysely';
import type { Db } from './db.ts';
import { type EventCursor, eventsAfter } from './events.ts';
import type { WorkItemEvent } from './items.ts';
import type { WorkItemStatus } from './state-machine.ts';

/**
 * The agents' and supervisors' live notifications (GET /api/v1/work/me/stream), read from the committed
 * work-item events in commit order (events.ts eventsAfter) — so a change made by another server, or by the
 * routing of a server that was restarted, reaches every connected agent the same way. The log is followed
 * while someone listens: at once after a local change (`poke`), and every `pollMs` for the others.
 */

export type StreamMessage =
  | { event: 'offer'; data: { itemId: string; offeredAt: string; expiresAt: string } }
  | { event: 'item'; data: { itemId: string; status: WorkItemStatus; version: number } }
  | {
      event: 'alert';
      data: { itemId: string; queueId: string | null; rule: string; supervisorId: string | null; at: string };
    };

export interface StreamSubscriber {
  /** The listener's agent (offers, their items' changes), or null. */
  agentId: string | null;
  userId: string;
  /** Receives the supervisors' alerts (no-agent rules) of the divisions below. */
  supervisor: boolean;
  divisions: readonly string[] | 'all';
  send(message: StreamMessage): void;
}

/** The agents an event concerns: the item's agent after it and the one it left. */
function agentsOf(event: WorkItemEvent): Set<string> {
  const agents = new Set<string>();
  if (event.assigneeId) agents.add(event.assigneeId);
  const { from, agentId } = event.details as { from?: unknown; agentId?: unknown };
  if (typeof from === 'string') agents.add(from);
  if (from && typeof from === 'object') {
    const previous = (from as { assigneeId?: unknown }).assigneeId;
    if (typeof previous === 'string') agents.add(previous);
  }
  if (typeof agentId === 'string') agents.add(agentId);
  return agents;
}

export class WorkStream {
  private readonly subscribers = new Set<StreamSubscriber>();
  private cursor: EventCursor | null = null;
  private following = false;
  private polling: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: { pollMs: number; log?: { error(message: string): void } } = { pollMs: 1000 },
  ) {}

  /** Adds a listener (from the next committed event on); returns its removal. */
  async subscribe(subscriber: StreamSubscriber): Promise<() => void> {
    if (!this.following) {
      this.cursor = await logEnd(this.db);
      this.following = true;
    }
    this.subscribers.add(subscriber);
    if (!this.timer) {
      this.timer = setInterval(() => this.poke(), this.options.pollMs);
      this.timer.unref();
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Reads the new events now (coalesced). */
  poke(): void {
    void this.poll().catch((error: unknown) =>
      this.options.log?.error(`work stream: ${(error as Error).message}`),
    );
  }

  /** Reads and sends every event committed since the last read; resolves when done. */
  async poll(): Promise<void> {
    if (!this.following) return;
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = (async () => {
      try {
        do {
          this.again = false;
          await this.readBatch();
        } while (this.again);
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.following = false;
    this.cursor = null;
  }

  private async readBatch(): Promise<void> {
    for (;;) {
      const { events, cursor } = await eventsAfter(this.db, this.cursor, 500);
      this.cursor = cursor;
      if (events.length === 0) return;
      const ids = [...new Set(events.map((e) => e.itemId))];
      const items = await this.db
        .selectFrom('work_items')
        .select(['id', 'version', 'status', 'division_id'])
        .where('id', 'in', ids)
        .execute();
      const byId = new Map(items.map((i) => [i.id, i]));
      for (const event of events) {
        const item = byId.get(event.itemId);
        if (item) this.dispatch(event, item);
      }
      if (events.length < 500) return;
    }
  }

  private dispatch(
    event: WorkItemEvent,
    item: { id: string; version: number; status: string; division_id: string },
  ): void {
    const agents = agentsOf(event);
    const details = event.details as {
      offer?: unknown;
      expiresAt?: unknown;
      rule?: unknown;
      supervisorId?: unknown;
    };
    for (const subscriber of this.subscribers) {
      const sees = subscriber.divisions === 'all' || subscriber.divisions.includes(item.division_id);
      if (!sees) continue;
      if (subscriber.agentId !== null && agents.has(subscriber.agentId)) {
        if (
          event.action === 'assign' &&
          details.offer === true &&
          event.assigneeId === subscriber.agentId &&
          typeof details.expiresAt === 'string'
        )
          subscriber.send({
            event: 'offer',
            data: { itemId: event.itemId, offeredAt: event.at, expiresAt: details.expiresAt },
          });
        subscriber.send({
          event: 'item',
          data: { itemId: event.itemId, status: event.status, version: item.version },
        });
      }
      if (subscriber.supervisor && details.rule === 'alert-supervisor') {
        const supervisorId = typeof details.supervisorId === 'string' ? details.supervisorId : null;
        if (supervisorId === null || supervisorId === subscriber.userId)
          subscriber.send({
            event: 'alert',
            data: {
              itemId: event.itemId,
              queueId: event.queueId,
              rule: 'alert-supervisor',
              supervisorId,
              at: event.at,
            },
          });
      }
    }
  }
}

/** The position after the last event visible now: a new listener starts from there. */
async function logEnd(db: Db): Promise<EventCursor | null> {
  const last = await db
    .selectFrom('work_item_events')
    .select(['tx_id', 'id'])
    .where('tx_id', '<', sql<number>`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`)
    .orderBy('tx_id', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last ? { txId: Number(last.tx_id), id: Number(last.id) } : null;
}
