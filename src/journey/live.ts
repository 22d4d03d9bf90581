import { liveStatus } from './live-status.ts';
import { CustomerNotFoundError, type Interaction, type Journey, type JourneyView } from './model.ts';
import type { JourneyService } from './service.ts';

/**
 * A live stream of one customer's journey (GET /api/v1/customers/:id/journey/live, server-sent events):
 * - `event: status` {id, status} for each interaction at the start, then whenever one's status changes:
 *   a timer (on the service's clock) at the next changesAt recomputes the statuses;
 * - `event: journey` {changed: true} when interactions were added or changed: at once when journey events
 *   of the customer are stored, and at each heartbeat for the synced data (the client refetches);
 * - a comment line every heartbeat, so that proxies keep the connection open. At each heartbeat the
 *   stream asks `allowed` (given to start) whether the viewer may still see the journey as it shows it
 *   (signed out, disabled, token revoked, divisions or permissions changed): if not, it ends.
 * `close` cancels the timers and the subscription.
 */
export class JourneyStream {
  private interactions: Interaction[];
  /** The data of each interaction (everything but its status) as last sent. */
  private signatures: Map<string, string>;
  /** The status of each interaction as last sent. */
  private sent = new Map<string, string>();
  private cancelStatusTimer: (() => void) | null = null;
  private cancelHeartbeat: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Refreshes run one after the other. */
  private queue: Promise<void> = Promise.resolve();
  private output: StreamOutput = { write: () => {}, end: () => {} };
  private allowed: () => Promise<boolean> = async () => true;
  private closed = false;

  constructor(
    private readonly service: JourneyService,
    private readonly key: string,
    private readonly view: JourneyView,
    initial: Journey,
  ) {
    this.interactions = initial.items;
    this.signatures = signaturesOf(initial.items);
  }

  /**
   * Sends the current statuses and starts the timers and the subscription. `allowed`: asked at each
   * heartbeat; false (or a failure) ends the stream.
   */
  start(output: StreamOutput, allowed: () => Promise<boolean> = async () => true): void {
    this.output = output;
    this.allowed = allowed;
    this.unsubscribe = this.service.onCustomersChanged((customers) => {
      this.enqueue(async () => {
        if (customers.has(await this.service.customerIdOf(this.key))) await this.refresh();
      });
    });
    this.scheduleHeartbeat();
    this.tick();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelStatusTimer?.();
    this.cancelHeartbeat?.();
    this.unsubscribe?.();
    this.cancelStatusTimer = this.cancelHeartbeat = this.unsubscribe = null;
  }

  private send(event: string, data: unknown): void {
    if (!this.closed) this.output.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Closes the stream and ends its response. */
  private end(): void {
    if (this.closed) return;
    this.close();
    this.output.end();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.closed ? undefined : work())).catch(() => {});
  }

  /** Reads the journey again: tells the client when interactions were added or changed, then the statuses. */
  private async refresh(): Promise<void> {
    let journey: Journey;
    try {
      journey = await this.service.journey(this.key, this.view);
    } catch (error) {
      if (error instanceof CustomerNotFoundError) return;
      throw error;
    }
    if (this.closed) return;
    const signatures = signaturesOf(journey.items);
    const changed =
      signatures.size !== this.signatures.size ||
      [...signatures].some(([id, signature]) => this.signatures.get(id) !== signature);
    this.interactions = journey.items;
    this.signatures = signatures;
    if (changed) this.send('journey', { changed: true });
    this.tick();
  }

  /** Sends the statuses that changed since last sent, and sets the timer at the next change. */
  private tick(): void {
    if (this.closed) return;
    const now = this.service.clock.now();
    let next = Number.POSITIVE_INFINITY;
    const changes: { id: string; status: Interaction['status'] }[] = [];
    for (const i of this.interactions) {
      const status = liveStatus(i, now);
      if (status.changesAt !== null) next = Math.min(next, Date.parse(status.changesAt));
      const text = JSON.stringify(status);
      if (this.sent.get(i.id) === text) continue;
      this.sent.set(i.id, text);
      changes.push({ id: i.id, status });
    }
    this.cancelStatusTimer?.();
    this.cancelStatusTimer = Number.isFinite(next) ? this.service.clock.at(next, () => this.tick()) : null;
    for (const change of changes) this.send('status', change);
  }

  private scheduleHeartbeat(): void {
    const clock = this.service.clock;
    this.cancelHeartbeat = clock.at(clock.now() + this.service.heartbeatMs, () => {
      if (this.closed) return;
      this.output.write(': heartbeat\n\n');
      this.scheduleHeartbeat();
      this.enqueue(async () => {
        const allowed = await this.allowed().catch(() => false);
        if (allowed) await this.refresh();
        else this.end();
      });
    });
  }
}

/** Where a stream writes: the response, and how to end it. */
export interface StreamOutput {
  write(chunk: string): void;
  end(): void;
}

function signaturesOf(items: readonly Interaction[]): Map<string, string> {
  return new Map(items.map(({ status: _status, ...data }) => [data.id, JSON.stringify(data)]));
}
