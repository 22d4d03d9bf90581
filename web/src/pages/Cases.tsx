import { buildUrl, type CaseSummary, type CasesResponse } from '../api.ts';
import { Pager, pagingOf } from '../components/Pager.tsx';
import { ApiState, Refreshing } from '../components/Status.tsx';
import { carriedOf, filterOf, isGenesys } from '../filters.ts';
import { formatDateTime, formatDuration, formatNumber } from '../format.ts';
import { type Labels, useI18n } from '../i18n.ts';
import { Link, navigate, updateQuery, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

type SortKey = 'start' | 'duration' | 'events' | 'id';
const SORTS = ['start', '-start', 'duration', '-duration', 'events', '-events', 'id'];

export function caseHref(id: string, query: URLSearchParams): string {
  return withQuery(`/cases/${encodeURIComponent(id)}`, carriedOf(query));
}

export default function Cases({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const { page, pageSize } = pagingOf(query, 50);
  const sortParam = query.get('sort');
  const sort = sortParam && SORTS.includes(sortParam) ? sortParam : undefined;
  const url = buildUrl('/cases', { ...filterOf(query), page, pageSize, sort });
  const { data, loading, error, reload } = useApi<CasesResponse>(url);

  // Imported logs have no Genesys case attributes: their columns are left out.
  const genesys = isGenesys(query);
  const bool = (v: boolean | null, yes = t.yes, no = t.no) => (v === null ? '—' : v ? yes : no);

  return (
    <div className="page" data-testid="page-cases" aria-busy={loading}>
      <div className="page-head">
        <h1>{t.casesTitle}</h1>
        {data && (
          <p className="muted" data-testid="cases-total" data-total={data.total}>
            {formatNumber(data.total, lang)} {t.casesTotal}
          </p>
        )}
      </div>
      <ApiState data={data} error={error} reload={reload} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <div className="card table-card">
            <Refreshing active={loading} />
            <div className="table-wrap">
              <table className="data-table cases-table" data-testid="cases-table">
                <thead>
                  <tr>
                    <SortHeader label={t.caseId} column="id" sort={sort} />
                    <SortHeader label={t.start} column="start" sort={sort} />
                    <SortHeader label={t.duration} column="duration" sort={sort} numeric />
                    <SortHeader label={t.events} column="events" sort={sort} numeric />
                    {genesys && (
                      <>
                        <th scope="col">{t.requestType}</th>
                        <th scope="col">{t.channel}</th>
                        <th scope="col">{t.sla}</th>
                        <th scope="col">{t.fcr}</th>
                        <th scope="col">{t.reopened}</th>
                        <th scope="col" className="num">
                          {t.csat}
                        </th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c: CaseSummary) => {
                    const href = caseHref(c.id, query);
                    return (
                      <tr
                        key={c.id}
                        className="clickable"
                        data-testid={`case-row-${c.id}`}
                        onClick={(e) => {
                          if ((e.target as HTMLElement).closest('a,button')) return;
                          navigate(href);
                        }}
                      >
                        <td>
                          <Link href={href} className="mono" data-testid="case-link">
                            {c.id}
                          </Link>
                        </td>
                        <td>{formatDateTime(c.start, lang)}</td>
                        <td className="num">{formatDuration(c.duration, lang)}</td>
                        <td className="num">{formatNumber(c.events, lang)}</td>
                        {genesys && (
                          <>
                            <td>{c.requestType ?? '—'}</td>
                            <td>{c.mediaType ?? '—'}</td>
                            <td>
                              <Flag value={c.slaCompliant} yes={t.slaMet} no={t.slaMissed} goodWhen />
                            </td>
                            <td>{bool(c.fcr)}</td>
                            <td>{bool(c.reopened)}</td>
                            <td className="num">{c.csat === null ? '—' : formatNumber(c.csat, lang, 0)}</td>
                          </>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={pageSize} total={data.total} testId="cases-pager" />
          </div>
        )}
      </ApiState>
    </div>
  );
}

function Flag({
  value,
  yes,
  no,
  goodWhen,
}: {
  value: boolean | null;
  yes: string;
  no: string;
  goodWhen: boolean;
}) {
  if (value === null) return <span className="muted">—</span>;
  return <span className={`flag ${value === goodWhen ? 'good' : 'bad'}`}>{value ? yes : no}</span>;
}

function SortHeader({
  label,
  column,
  sort,
  numeric,
}: {
  label: string;
  column: SortKey;
  sort: string | undefined;
  numeric?: boolean;
}) {
  const { t } = useI18n();
  const state = sort === column ? 'ascending' : sort === `-${column}` ? 'descending' : 'none';
  const next = column === 'id' ? 'id' : state === 'descending' ? column : `-${column}`;
  const arrow = state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕';
  return (
    <th scope="col" aria-sort={state} className={numeric ? 'num' : undefined}>
      <button
        type="button"
        className="sort-button"
        onClick={() => updateQuery({ sort: next, page: undefined })}
        data-testid={`sort-${column}`}
        title={`${t.sortBy} ${label}`}
      >
        {label}{' '}
        <span aria-hidden="true" className="sort-arrow">
          {arrow}
        </span>
        {state !== 'none' && <span className="visually-hidden">({t[state as keyof Labels]})</span>}
      </button>
    </th>
  );
}
