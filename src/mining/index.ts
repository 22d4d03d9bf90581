export {
  type Bottlenecks,
  bottlenecks,
  type SlaBreaches,
  type SlowTransition,
  type WaitingActivity,
} from './bottlenecks.ts';
export {
  CASE_SORTS,
  type CaseDetail,
  type CaseEvent,
  type CaseItem,
  type CaseList,
  type CaseListOptions,
  type CaseSort,
  caseDetail,
  listCases,
} from './cases.ts';
export {
  type CaseConformance,
  type Conformance,
  conformance,
  type Deviation,
  type DeviationKind,
  designedFlowsFor,
  NoDesignedFlowError,
} from './conformance.ts';
export {
  assertDataset,
  type DatasetAccess,
  type DatasetItem,
  datasets,
  UnknownDatasetError,
} from './datasets.ts';
export { type Facets, facets } from './facets.ts';
export {
  EVENT_ORDER,
  type Filter,
  type FilterInput,
  filteredEvents,
  filterSchema,
  isoDateOrDateTime,
  parseFilter,
  VARIANT_ID,
} from './filters.ts';
export { type HandoverCell, type HandoverKind, type Handovers, handovers } from './handovers.ts';
export { activityDisplay } from './labels.ts';
export { ensureMaterialized } from './materialize.ts';
export {
  type Breakdown,
  DEFAULT_PERIOD_DAYS,
  type Overview,
  overview,
  type Tile,
  type TileKey,
  type TrendDay,
} from './overview.ts';
export {
  END,
  type MapActivity,
  type MapEdge,
  type ProcessMap,
  type ProcessMapOptions,
  processMap,
  START,
} from './process-map.ts';
export { MAX_PAGE_SIZE, type PageOptions } from './sql.ts';
export { type Variant, type Variants, variants } from './variants.ts';
