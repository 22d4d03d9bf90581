import type { DataScope } from '../access/index.ts';
import type { DivisionsConfig } from '../config/index.ts';
import { caseInScope, conversationInScope, datasetInScope, iso, type Store } from '../store/index.ts';

export interface DatasetItem {
  name: string;
  format: string;
  /** Imported file, or the Genesys source systems of the default dataset. */
  source: string | null;
  /** null for the default dataset (it grows with each Genesys import). */
  importedAt: string | null;
  events: number;
  cases: number;
}

/** Who asks: the viewer's scope and the configuration's divisions. Absent: everything (the CLI). */
export interface DatasetAccess {
  scope: DataScope;
  divisions: DivisionsConfig;
}

/**
 * The datasets process mining can read: `default` (the Genesys-derived log) first, then the imported logs.
 * With `access`: the default dataset's figures count the cases of the scope's divisions, and only the
 * imported logs of those divisions are listed (datasetInScope).
 */
export async function datasets(store: Store, access?: DatasetAccess): Promise<{ items: DatasetItem[] }> {
  const scope = access?.scope;
  const cases = (column: string) => (scope ? ` WHERE ${caseInScope(scope, column)}` : '');
  const conversations = scope ? ` WHERE ${conversationInScope(scope, 'conversation_id')}` : '';
  const items = await store.db.all<DatasetItem>(`
    SELECT 'default' AS name, 'genesys' AS format,
      (SELECT string_agg(DISTINCT source_system, ', ' ORDER BY source_system) FROM conversations${conversations})
        AS source,
      NULL::VARCHAR AS "importedAt",
      (SELECT count(*) FROM events${cases('ServiceRequest')})::DOUBLE AS events,
      (SELECT count(*) FROM cases${cases('service_request')})::DOUBLE AS cases
    UNION ALL
    SELECT * FROM (
      SELECT name, format, source, ${iso('imported_at')}, events::DOUBLE, cases::DOUBLE FROM datasets
      WHERE name <> 'default' ORDER BY name)`);
  return {
    items: items
      .filter((d) => !access || datasetInScope(access.scope, access.divisions, d.name))
      .map((d) => ({ ...d, events: Number(d.events), cases: Number(d.cases) })),
  };
}

/** A dataset name that is neither `default` nor an imported log (that the viewer sees). */
export class UnknownDatasetError extends Error {
  override name = 'UnknownDatasetError';
}

/**
 * Throws UnknownDatasetError unless the dataset exists (so a typo is not mistaken for an empty log) and,
 * with `access`, the viewer sees it: a dataset of another division does not exist for them. The message
 * lists the datasets they see.
 */
export async function assertDataset(store: Store, name: string, access?: DatasetAccess): Promise<void> {
  const visible = access ? datasetInScope(access.scope, access.divisions, name) : true;
  if (!visible || !(await store.datasetExists(name))) {
    const known = (await datasets(store, access)).items.map((d) => d.name).join(', ');
    throw new UnknownDatasetError(`no dataset "${name}" (datasets: ${known})`);
  }
}
