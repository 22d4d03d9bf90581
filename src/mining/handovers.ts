import type { Store } from '../store/index.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, rows, sec, secondsBetween } from './sql.ts';

export type HandoverKind = 'agent' | 'queue';

export interface HandoverCell {
  from: string;
  to: string;
  count: number;
  /** Mean seconds from the transfer to the next accept (agent) or routing (queue). */
  meanDelay: number;
}

export interface Handovers {
  kind: HandoverKind;
  /** Every agent or queue of a cell, sorted. */
  nodes: string[];
  cells: HandoverCell[];
}

const TARGET: Record<HandoverKind, { activity: string; column: string }> = {
  agent: { activity: 'Agent Accepted Interaction', column: 'resource' },
  queue: { activity: 'Conversation Routed to Queue', column: 'queue_name' },
};

/**
 * Handover-of-work matrix from "Interaction Transferred" events. Each transfer is matched with the first
 * target event of the same conversation at or after it (ASOF join): for `agent`, the next "Agent Accepted
 * Interaction" (from the transferring agent to the accepting one); for `queue`, the next "Conversation
 * Routed to Queue" (from the transfer's queue to the new one; a routing at the transfer's own time sorts
 * before the transfer in the activity table, hence "at or after"). A consult transfer (agent kind: the
 * other agent accepted before the transfer and is still connected) goes to that agent with a delay of 0.
 * Transfers nobody takes up, and transfers or targets without a name, are left out.
 */
export async function handovers(store: Store, filter: Filter, kind: HandoverKind): Promise<Handovers> {
  const target = TARGET[kind];
  if (!target) throw new RangeError(`kind: "${kind}" is not agent or queue`);
  const sameConversation = (a: string, b: string) =>
    `${a}.case_id = ${b}.case_id AND ${a}.conversation = ${b}.conversation`;
  // agent: a consult transfer — another agent accepted before the transfer and is still connected after
  // it (an accept's EventEndTime is the end of the agent's connection) — is handed to that agent, delay 0.
  const consult =
    kind === 'agent' ? 'coalesce(m.before_who <> m.who AND m.before_end > m.ts, false)' : 'false';
  const [row] = await filteredQuery<{ cells: { src: string; dst: string; count: number; delay: number }[] }>(
    store,
    filter,
    (param) => `,
    transfers AS (
      SELECT case_id, coalesce(conversation_id, '') AS conversation, ts, ${target.column} AS who
      FROM fev WHERE activity = 'Interaction Transferred'),
    targets AS (
      SELECT case_id, coalesce(conversation_id, '') AS conversation, ts, end_ts, ${target.column} AS who
      FROM fev WHERE activity = ${param(target.activity)}),
    matched AS (
      SELECT t.*, b.who AS before_who, b.end_ts AS before_end
      FROM transfers t ASOF LEFT JOIN targets b ON ${sameConversation('b', 't')} AND b.ts <= t.ts),
    pairs AS (
      SELECT m.who AS src, CASE WHEN ${consult} THEN m.before_who ELSE n.who END AS dst,
        CASE WHEN ${consult} THEN 0 ELSE ${secondsBetween('m.ts', 'n.ts')} END AS delay
      FROM matched m ASOF LEFT JOIN targets n ON ${sameConversation('n', 'm')} AND n.ts >= m.ts)
    SELECT list({src: src, dst: dst, count: count::DOUBLE, delay: delay::DOUBLE} ORDER BY count DESC, src, dst)
      AS cells
    FROM (SELECT src, dst, count(*) AS count, avg(delay) AS delay FROM pairs
      WHERE src IS NOT NULL AND dst IS NOT NULL GROUP BY src, dst)`,
  );
  const cells = rows<{ src: string; dst: string; count: number; delay: number }>(row?.cells).map((c) => ({
    from: c.src,
    to: c.dst,
    count: num(c.count),
    meanDelay: sec(c.delay),
  }));
  const nodes = [...new Set(cells.flatMap((c) => [c.from, c.to]))].sort();
  return { kind, nodes, cells };
}
