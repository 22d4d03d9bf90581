import { iso, type Store } from '../store/index.ts';

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

/** The datasets process mining can read: `default` (the Genesys-derived log) first, then the imported logs. */
export async function datasets(store: Store): Promise<{ items: DatasetItem[] }> {
  const items = await store.db.all<DatasetItem>(`
    SELECT 'default' AS name, 'genesys' AS format,
      (SELECT string_agg(DISTINCT source_system, ', ' ORDER BY source_system) FROM conversations) AS source,
      NULL::VARCHAR AS "importedAt",
      (SELECT count(*) FROM events)::DOUBLE AS events, (SELECT count(*) FROM cases)::DOUBLE AS cases
    UNION ALL
    SELECT * FROM (
      SELECT name, format, source, ${iso('imported_at')}, events::DOUBLE, cases::DOUBLE FROM datasets
      WHERE name <> 'default' ORDER BY name)`);
  return { items: items.map((d) => ({ ...d, events: Number(d.events), cases: Number(d.cases) })) };
}

/** A dataset name that is neither `default` nor an imported log. */
export class UnknownDatasetError extends Error {
  override name = 'UnknownDatasetError';
}

/** Throws UnknownDatasetError unless the dataset exists (so a typo is not mistaken for an empty log). */
export async function assertDataset(store: Store, name: string): Promise<void> {
  if (!(await store.datasetExists(name))) {
    const known = (await datasets(store)).items.map((d) => d.name).join(', ');
    throw new UnknownDatasetError(`no dataset "${name}" (datasets: ${known})`);
  }
}
