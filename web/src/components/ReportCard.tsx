import { type ReactNode, useId, useState } from 'react';
import { useI18n } from '../i18n.ts';
import { csvUrl } from '../reports.ts';
import type { ApiState as ApiAnswer } from '../useApi.ts';
import { ApiState, Refreshing } from './Status.tsx';

interface Props<T> {
  title: string;
  /** The report's API address; the CSV link is the same with `format=csv`. */
  url: string;
  answer: ApiAnswer<T>;
  isEmpty: (data: T) => boolean;
  empty?: ReactNode;
  /** The chart; without it the card shows the table only (no table-view toggle). */
  chart?: (data: T) => ReactNode;
  table: (data: T) => ReactNode;
  /** Report-specific controls, shown before the view toggle and the CSV link. */
  controls?: ReactNode;
  /** Text under the title (e.g. what the figures mean). */
  note?: ReactNode;
  testId: string;
}

/**
 * A report: title, its controls, a chart with a table view toggle (the same figures, for screen readers
 * and for copying) and a link to download the figures as CSV.
 */
export function ReportCard<T>({
  title,
  url,
  answer,
  isEmpty,
  empty,
  chart,
  table,
  controls,
  note,
  testId,
}: Props<T>) {
  const { t } = useI18n();
  const id = useId();
  const [tableView, setTableView] = useState(false);
  const showTable = tableView || !chart;
  return (
    <section
      className="card report-card"
      aria-labelledby={id}
      aria-busy={answer.loading}
      data-testid={testId}
      data-view={showTable ? 'table' : 'chart'}
    >
      <Refreshing active={answer.loading && !!answer.data} />
      <div className="report-card-head">
        <h2 id={id}>{title}</h2>
        <div className="report-card-tools">
          {controls}
          {chart && (
            <button
              type="button"
              className="button"
              aria-pressed={tableView}
              onClick={() => setTableView(!tableView)}
              data-testid="table-toggle"
            >
              <span aria-hidden="true">{tableView ? '▤' : '▦'}</span>
              {t.tableView}
            </button>
          )}
          <a className="button" href={csvUrl(url)} download data-testid="csv-download">
            <span aria-hidden="true">⤓</span>
            {t.downloadCsv}
            <span className="visually-hidden">: {title}</span>
          </a>
        </div>
      </div>
      {note && <div className="report-note muted small">{note}</div>}
      <ApiState
        data={answer.data}
        error={answer.error}
        reload={answer.reload}
        isEmpty={isEmpty}
        empty={empty}
      >
        {(data) => (showTable ? table(data) : chart?.(data))}
      </ApiState>
    </section>
  );
}
