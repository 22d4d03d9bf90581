import { useState } from 'react';
import { buildUrl, type Variant, type VariantsResponse } from '../api.ts';
import { Pager, pagingOf } from '../components/Pager.tsx';
import { ApiState, Refreshing } from '../components/Status.tsx';
import { carriedOf, filterOf } from '../filters.ts';
import { formatDuration, formatNumber, formatPct } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate, withQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

const CHIPS_SHOWN = 12;

export default function Variants({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const { page, pageSize } = pagingOf(query, 50);
  const url = buildUrl('/variants', { ...filterOf(query), page, pageSize, lang });
  const { data, loading, error, reload } = useApi<VariantsResponse>(url);

  const casesOf = (v: Variant) => {
    const q = carriedOf(query);
    q.set('variant', v.variant);
    return withQuery('/cases', q);
  };

  return (
    <div className="page" data-testid="page-variants" aria-busy={loading}>
      <div className="page-head">
        <h1>{t.variantsTitle}</h1>
        {data && (
          <p className="muted" data-testid="variants-summary">
            {formatNumber(data.total, lang)} {t.variantCount} · {formatNumber(data.cases, lang)}{' '}
            {t.casesTotal}
          </p>
        )}
      </div>
      <ApiState data={data} error={error} reload={reload} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <div className="card table-card">
            <Refreshing active={loading} />
            <div className="table-wrap">
              <table className="data-table variants-table" data-testid="variants-table">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t.rank}
                    </th>
                    <th scope="col">{t.activities}</th>
                    <th scope="col" className="num">
                      {t.cases}
                    </th>
                    <th scope="col">{t.share}</th>
                    <th scope="col" className="num">
                      {t.meanDuration}
                    </th>
                    <th scope="col" className="num">
                      {t.medianDuration}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((v, i) => {
                    const href = casesOf(v);
                    return (
                      <tr
                        key={v.variant}
                        className="clickable"
                        data-testid={`variant-row-${v.variant}`}
                        onClick={(e) => {
                          if ((e.target as HTMLElement).closest('a,button')) return;
                          navigate(href);
                        }}
                      >
                        <td className="num">
                          <Link
                            href={href}
                            aria-label={`${t.showCases}: ${t.chipVariant} ${(page - 1) * pageSize + i + 1}`}
                          >
                            {(page - 1) * pageSize + i + 1}
                          </Link>
                        </td>
                        <td>
                          <ActivityChips activities={v.labels ?? v.activities} />
                        </td>
                        <td className="num">{formatNumber(v.cases, lang)}</td>
                        <td className="share-cell">
                          <span className="share-bar" aria-hidden="true">
                            <span style={{ width: `${Math.max(0.5, v.share * 100)}%` }} />
                          </span>
                          <span className="share-text">{formatPct(v.share * 100, lang)}</span>
                        </td>
                        <td className="num">{formatDuration(v.meanDuration, lang)}</td>
                        <td className="num">{formatDuration(v.medianDuration, lang)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={pageSize} total={data.total} testId="variants-pager" />
          </div>
        )}
      </ApiState>
    </div>
  );
}

function ActivityChips({ activities }: { activities: string[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const shown = open ? activities : activities.slice(0, CHIPS_SHOWN);
  const rest = activities.length - shown.length;
  return (
    <ol className="chips" aria-label={`${activities.length} ${t.activities.toLowerCase()}`}>
      {shown.map((a, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a variant repeats activities; position is the identity
        <li key={i} className="chip" title={a}>
          {a}
        </li>
      ))}
      {rest > 0 && (
        <li>
          <button type="button" className="chip chip-more" onClick={() => setOpen(true)}>
            +{rest} {t.moreSteps}
          </button>
        </li>
      )}
      {open && activities.length > CHIPS_SHOWN && (
        <li>
          <button type="button" className="chip chip-more" onClick={() => setOpen(false)}>
            − {t.fewerSteps}
          </button>
        </li>
      )}
    </ol>
  );
}
