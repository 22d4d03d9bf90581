import { type CaseflowConfig, derivationFingerprint } from '../../config/index.ts';
import type { Store, StoredConversation } from '../../store/index.ts';
import { storedConversation } from './importer.ts';
import { conversationSchema } from './schema.ts';

export interface RebuildSummary {
  conversations: number;
  events: number;
  cases: number;
  failed: { conversationId: string; reason: string }[];
}

/**
 * Re-derives every stored raw record with the current configuration (after a change of attribute
 * names, wrap-up sets, SLA targets…), then regroups. Raw records, directories and surveys are untouched;
 * a record that no longer derives keeps no events and is listed in `failed`.
 */
export async function rebuild(
  store: Store,
  config: CaseflowConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<RebuildSummary> {
  const total =
    (await store.db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_conversations'))?.n ?? 0;
  const failed: RebuildSummary['failed'] = [];
  let done = 0;
  await store.markRegroupPending();
  await store.db.transaction(async () => {
    await store.db.run(
      'DELETE FROM conversations; DELETE FROM conversation_events; DELETE FROM conversation_support_facts;',
    );
    // Keyset pages: a streaming result would be cut by the writes on the same connection.
    let after = '';
    for (;;) {
      const rows = await store.db.all<{ id: string; record: string; system: string; updated: number }>(
        `SELECT conversation_id AS id, record, source_system AS system, epoch_ms(last_data_update) AS updated
         FROM raw_conversations WHERE conversation_id > $after ORDER BY conversation_id LIMIT 2000`,
        { after },
      );
      if (rows.length === 0) break;
      const batch: StoredConversation[] = [];
      for (const row of rows) {
        try {
          const record = conversationSchema.parse(JSON.parse(row.record));
          const stored = storedConversation(record, config, Number(row.updated));
          batch.push({ ...stored, sourceSystem: row.system });
        } catch (error) {
          failed.push({ conversationId: row.id, reason: (error as Error).message });
        }
      }
      await store.appendDerived(batch, false);
      done += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
      onProgress?.(done, total);
    }
  });
  const { cases, events } = await store.regroup(config);
  await store.setMeta('derivation', derivationFingerprint(config));
  return { conversations: done - failed.length, events, cases, failed };
}
