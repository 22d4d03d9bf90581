import { formatNumber } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';

export const PAGE_SIZES = [25, 50, 100, 200];

interface Props {
  page: number;
  pageSize: number;
  total: number;
  testId: string;
}

/** Page navigation kept in the URL (`page`, `pageSize`). */
export function Pager({ page, pageSize, total, testId }: Props) {
  const { t, lang } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const go = (p: number) => updateQuery({ page: p === 1 ? undefined : p });
  return (
    <nav className="pager" aria-label={t.pagination} data-testid={testId}>
      <button type="button" onClick={() => go(page - 1)} disabled={page <= 1} data-testid={`${testId}-prev`}>
        ‹ {t.previous}
      </button>
      <span aria-live="polite">
        {t.page} {formatNumber(page, lang)} {t.of} {formatNumber(pages, lang)}
      </span>
      <button
        type="button"
        onClick={() => go(page + 1)}
        disabled={page >= pages}
        data-testid={`${testId}-next`}
      >
        {t.next} ›
      </button>
      <label className="pager-size">
        {t.rowsPerPage}
        <select
          value={pageSize}
          onChange={(e) => updateQuery({ pageSize: e.target.value, page: undefined })}
          data-testid={`${testId}-size`}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}

export function pagingOf(query: URLSearchParams, defaultSize = 50): { page: number; pageSize: number } {
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const size = Number.parseInt(query.get('pageSize') ?? '', 10);
  return { page, pageSize: PAGE_SIZES.includes(size) ? size : defaultSize };
}
