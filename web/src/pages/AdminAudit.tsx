import { type FormEvent, useId, useState } from 'react';
import type { AuditResponse } from '../access.ts';
import { buildUrl } from '../api.ts';
import { AdminNav } from '../components/AdminNav.tsx';
import { Pager, pagingOf } from '../components/Pager.tsx';
import { ListCard } from '../components/Status.tsx';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

/** The audit log (admin:audit:view): newest first, filtered by action and actor, paged; all in the URL. */
export default function AdminAudit({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const { page, pageSize } = pagingOf(query);
  const action = query.get('action') ?? '';
  const actor = query.get('actor') ?? '';
  const audit = useApi<AuditResponse>(buildUrl('/audit', { page, pageSize, action, actor }), {
    cached: false,
  });

  return (
    <div className="page" data-testid="page-admin-audit">
      <div className="page-head">
        <h1>{t.adminAudit}</h1>
        <p className="muted">{t.adminAuditIntro}</p>
      </div>
      <AdminNav />
      <AuditFilter key={`${action}\u0000${actor}`} action={action} actor={actor} />
      <ListCard id="audit-list" title={t.auditEntries} answer={audit} empty={t.noAudit}>
        {(d) => <AuditTable data={d} page={page} pageSize={pageSize} />}
      </ListCard>
    </div>
  );
}

function AuditFilter({ action, actor }: { action: string; actor: string }) {
  const { t } = useI18n();
  const [actionText, setActionText] = useState(action);
  const [actorText, setActorText] = useState(actor);
  const ids = { action: useId(), actor: useId() };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    updateQuery({ action: actionText.trim(), actor: actorText.trim(), page: undefined });
  };
  return (
    <form className="card filter-grid" onSubmit={apply} aria-label={t.filters} data-testid="audit-filter">
      <div className="field">
        <label htmlFor={ids.action}>{t.auditAction}</label>
        <input
          id={ids.action}
          type="search"
          value={actionText}
          placeholder="login"
          onChange={(e) => setActionText(e.target.value)}
          data-testid="audit-action"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.actor}>{t.auditActor}</label>
        <input
          id={ids.actor}
          type="search"
          value={actorText}
          onChange={(e) => setActorText(e.target.value)}
          data-testid="audit-actor"
        />
      </div>
      <div className="filter-actions">
        <button type="submit" className="button primary" data-testid="audit-apply">
          {t.applyFilter}
        </button>
        {(action || actor) && (
          <button
            type="button"
            className="link-button"
            onClick={() => updateQuery({ action: undefined, actor: undefined, page: undefined })}
          >
            {t.clearFilters}
          </button>
        )}
      </div>
    </form>
  );
}

function detailsText(details: unknown): string | null {
  if (details === null || details === undefined) return null;
  if (typeof details === 'object' && Object.keys(details).length === 0) return null;
  return JSON.stringify(details, null, 2);
}

function AuditTable({ data, page, pageSize }: { data: AuditResponse; page: number; pageSize: number }) {
  const { t, lang } = useI18n();
  return (
    <>
      <div className="table-wrap">
        <table className="data-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t.time}</th>
              <th scope="col">{t.auditActor}</th>
              <th scope="col">{t.auditAction}</th>
              <th scope="col">{t.auditTarget}</th>
              <th scope="col">{t.auditIp}</th>
              <th scope="col">{t.auditDetails}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((e) => {
              const details = detailsText(e.details);
              return (
                <tr key={e.id} data-testid="audit-row" data-action={e.action} data-actor={e.actor}>
                  <td className="nowrap">{formatDateTime(e.at, lang)}</td>
                  <td className="mono">{e.actor}</td>
                  <td className="mono">{e.action}</td>
                  <td className="mono">{e.target ?? '—'}</td>
                  <td className="mono">{e.ip ?? '—'}</td>
                  <td>
                    {details ? (
                      <details>
                        <summary>{t.show}</summary>
                        <pre className="response-body">{details}</pre>
                      </details>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager page={page} pageSize={pageSize} total={data.total} testId="audit-pager" />
    </>
  );
}
