import type { DesignedFlow, MiningConfig } from '../config/index.ts';
import type { Store } from '../store/index.ts';
import type { Filter } from './filters.ts';
import { filteredQuery, num, type PageOptions, type Param, paging, rows } from './sql.ts';

export type DeviationKind = 'start' | 'end' | 'transition' | 'missing';

export interface Deviation {
  kind: DeviationKind;
  /** The activity (start, end, missing) or the pair "X>Y" (transition). */
  detail: string;
}

export interface CaseConformance {
  id: string;
  fitting: boolean;
  deviations: Deviation[];
}

export interface Conformance {
  cases: number;
  fitting: number;
  /** fitting / cases, 0–1 (0 when there is no case). */
  share: number;
  /** Deviations with the number of cases showing them, most frequent first. */
  deviations: (Deviation & { cases: number })[];
  /** Every filtered case (fitting or not), by id, paged. */
  items: CaseConformance[];
}

const kindOrder = (column: string): string =>
  `CASE ${column} WHEN 'start' THEN 0 WHEN 'end' THEN 1 WHEN 'transition' THEN 2 ELSE 3 END`;

/**
 * Checks every filtered case against its designed flow: `designedFlowByType[request type]`, else
 * `designedFlow`. Deviations: the first activity is not an allowed start (when `start` is not empty), the
 * last is not an allowed end (when `end` is not empty), a directly-follows pair not in `follows` (each pair
 * counted once per case), a `required` activity the case does not contain. A case fits when it has none.
 */
/** A dataset has no designed flow in the configuration. */
export class NoDesignedFlowError extends RangeError {
  override name = 'NoDesignedFlowError';
}

/**
 * The designed flows that apply to a dataset: the Genesys ones (`designedFlow`, `designedFlowByType`) for
 * `default`, else `designedFlowByDataset[dataset]`.
 */
export function designedFlowsFor(
  mining: MiningConfig,
  dataset: string,
): Pick<MiningConfig, 'designedFlow' | 'designedFlowByType'> {
  if (dataset === 'default') return mining;
  const flow = mining.designedFlowByDataset[dataset];
  if (!flow) {
    throw new NoDesignedFlowError(
      `no designed flow for dataset "${dataset}": set mining.designedFlowByDataset["${dataset}"] in the configuration`,
    );
  }
  return { designedFlow: flow, designedFlowByType: {} };
}

export async function conformance(
  store: Store,
  filter: Filter,
  mining: Pick<MiningConfig, 'designedFlow' | 'designedFlowByType'>,
  options: PageOptions = {},
): Promise<Conformance> {
  const { limit, offset } = paging(options);
  const byType = Object.entries(mining.designedFlowByType ?? {});
  const [row] = await filteredQuery<{
    cases: number;
    deviating: number;
    deviations: { kind: DeviationKind; detail: string; cases: number }[];
    items: { id: string; deviations: Deviation[] | null }[];
  }>(store, filter, (param) => {
    const flowOf = byType.length
      ? `CASE WHEN request_type IN (${byType.map(([type]) => param(type)).join(', ')}) THEN request_type END`
      : 'NULL::VARCHAR';
    const flows = [flowTable(null, mining.designedFlow, param)];
    for (const [type, flow] of byType) flows.push(flowTable(type, flow, param));
    const sameFlow = 'fl.flow IS NOT DISTINCT FROM cf.flow';
    return `,
    fl AS (${flows.join('\n      UNION ALL ')}),
    flags AS (
      SELECT flow, bool_or(kind = 'start') AS has_start, bool_or(kind = 'end') AS has_end FROM fl GROUP BY flow),
    cf AS (
      SELECT case_id, ${flowOf} AS flow
      FROM (SELECT case_id, any_value(request_type) AS request_type FROM fev GROUP BY case_id)),
    bounds AS (
      SELECT case_id, activity, pos = 1 AS is_first, next_activity IS NULL AS is_last
      FROM fev WHERE pos = 1 OR next_activity IS NULL),
    dev AS (
      SELECT b.case_id, 'start' AS kind, b.activity AS detail
      FROM bounds b JOIN cf USING (case_id) JOIN flags g ON g.flow IS NOT DISTINCT FROM cf.flow
      WHERE b.is_first AND g.has_start
        AND NOT EXISTS (SELECT 1 FROM fl WHERE ${sameFlow} AND fl.kind = 'start' AND fl.a = b.activity)
      UNION ALL
      SELECT b.case_id, 'end', b.activity
      FROM bounds b JOIN cf USING (case_id) JOIN flags g ON g.flow IS NOT DISTINCT FROM cf.flow
      WHERE b.is_last AND g.has_end
        AND NOT EXISTS (SELECT 1 FROM fl WHERE ${sameFlow} AND fl.kind = 'end' AND fl.a = b.activity)
      UNION ALL
      SELECT DISTINCT f.case_id, 'transition', f.activity || '>' || f.next_activity
      FROM fev f JOIN cf USING (case_id)
      WHERE f.next_activity IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM fl WHERE ${sameFlow} AND fl.kind = 'follows' AND fl.a = f.activity
          AND fl.b = f.next_activity)
      UNION ALL
      SELECT cf.case_id, 'missing', fl.a
      FROM cf JOIN fl ON ${sameFlow} AND fl.kind = 'required'
      WHERE NOT EXISTS (SELECT 1 FROM fev f WHERE f.case_id = cf.case_id AND f.activity = fl.a)),
    pg AS (SELECT case_id FROM sel ORDER BY case_id LIMIT ${param(limit)} OFFSET ${param(offset)}),
    items AS (
      SELECT pg.case_id AS id,
        list({kind: dev.kind, detail: dev.detail} ORDER BY ${kindOrder('dev.kind')}, dev.detail)
          FILTER (WHERE dev.kind IS NOT NULL) AS deviations
      FROM pg LEFT JOIN dev USING (case_id) GROUP BY pg.case_id)
    SELECT (SELECT count(*) FROM sel)::DOUBLE AS cases,
      (SELECT count(DISTINCT case_id) FROM dev)::DOUBLE AS deviating,
      (SELECT list({kind: kind, detail: detail, cases: cases::DOUBLE} ORDER BY cases DESC, ${kindOrder('kind')}, detail)
        FROM (SELECT kind, detail, count(DISTINCT case_id) AS cases FROM dev GROUP BY kind, detail)) AS deviations,
      (SELECT list({id: id, deviations: deviations} ORDER BY id) FROM items) AS items`;
  });
  const cases = num(row?.cases);
  const fitting = cases - num(row?.deviating);
  return {
    cases,
    fitting,
    share: cases === 0 ? 0 : fitting / cases,
    deviations: rows<{ kind: DeviationKind; detail: string; cases: number }>(row?.deviations).map((d) => ({
      kind: d.kind,
      detail: d.detail,
      cases: num(d.cases),
    })),
    items: rows<{ id: string; deviations: Deviation[] | null }>(row?.items).map((c) => ({
      id: c.id,
      fitting: !c.deviations?.length,
      deviations: c.deviations ?? [],
    })),
  };
}

/** SQL rows (flow, kind, a, b) of one designed flow; a flow without any rows yields none. */
function flowTable(type: string | null, flow: DesignedFlow, param: Param): string {
  const key = type === null ? 'NULL::VARCHAR' : param(type);
  const out: string[] = [];
  const add = (kind: string, a: string, b: string | null) =>
    out.push(`(${key}, '${kind}', ${param(a)}, ${b === null ? 'NULL::VARCHAR' : param(b)})`);
  for (const a of flow.start) add('start', a, null);
  for (const a of flow.end) add('end', a, null);
  for (const [a, b] of flow.follows) add('follows', a, b);
  for (const a of flow.required ?? []) add('required', a, null);
  if (out.length === 0) {
    return 'SELECT NULL::VARCHAR AS flow, NULL::VARCHAR AS kind, NULL::VARCHAR AS a, NULL::VARCHAR AS b WHERE false';
  }
  return `SELECT * FROM (VALUES ${out.join(', ')}) AS t(flow, kind, a, b)`;
}
