import { type FormEvent, useEffect, useId, useState } from 'react';
import {
  ApiError,
  buildUrl,
  EXPORT_KINDS,
  type ExportJob,
  type ExportKind,
  type ExportRequest,
  type ExportsResponse,
  sendJson,
} from '../api.ts';
import { ListCard } from '../components/Status.tsx';
import { addDays, getOrganizationTimeZone, zonedDayStart } from '../filters.ts';
import { formatDateTime, formatNumber, formatPct } from '../format.ts';
import { type Labels, type Lang, useI18n } from '../i18n.ts';
import { formatBytes, isExpired, zonedToday } from '../reports.ts';
import { useApi } from '../useApi.ts';

/** The history is polled this often while an export is queued or running. */
const POLL_MS = 2_000;

const KIND_LABEL: Record<ExportKind, keyof Labels> = {
  conversations: 'exportKind_conversations',
  messages: 'exportKind_messages',
  'failed-messages': 'exportKind_failedMessages',
  eventlog: 'exportKind_eventlog',
};

export default function Exports() {
  const { t } = useI18n();
  const history = useApi<ExportsResponse>(buildUrl('/exports'), { cached: false });
  const { data, loading, reload } = history;
  const active = !!data?.items.some((e) => e.status === 'queued' || e.status === 'running');

  useEffect(() => {
    if (loading || !active) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [loading, active, reload]);

  return (
    <div className="page" data-testid="page-exports">
      <div className="page-head">
        <h1>{t.navExports}</h1>
        <p className="muted">{t.exportsIntro}</p>
      </div>
      <ExportForm onCreated={reload} />
      <ListCard
        id="exports-history"
        title={t.exportHistory}
        answer={history}
        empty={t.noExports}
        testId="exports-history"
      >
        {(d) => <ExportTable items={d.items} />}
      </ListCard>
    </div>
  );
}

function ExportForm({ onCreated }: { onCreated: () => void }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  const today = zonedToday(zone);
  const [kind, setKind] = useState<ExportKind>('conversations');
  const [from, setFrom] = useState(addDays(today, -30));
  const [to, setTo] = useState(today);
  const [fileLang, setFileLang] = useState<Lang>(lang);
  const [posting, setPosting] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { kind: useId(), from: useId(), to: useId(), lang: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!from || !to || from > to) {
      setMessage({ ok: false, text: t.badPeriod });
      return;
    }
    const body: ExportRequest = {
      kind,
      from: zonedDayStart(from, zone ?? 'UTC'),
      // The last day is included: the export ends where the next day starts.
      to: zonedDayStart(addDays(to, 1), zone ?? 'UTC'),
      lang: fileLang,
    };
    setPosting(true);
    setMessage(null);
    try {
      await sendJson<{ id: string; status: string }>('POST', buildUrl('/exports'), body);
      setMessage({ ok: true, text: t.exportQueued });
      onCreated();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
    setPosting(false);
  };

  return (
    <form
      className="card form-card"
      onSubmit={submit}
      data-testid="exports-form"
      aria-labelledby="exports-new"
    >
      <h2 id="exports-new">{t.newExport}</h2>
      <div className="filter-grid">
        <div className="field">
          <label htmlFor={ids.kind}>{t.exportKind}</label>
          <select
            id={ids.kind}
            value={kind}
            onChange={(e) => setKind(e.target.value as ExportKind)}
            data-testid="export-kind"
          >
            {EXPORT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t[KIND_LABEL[k]]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t.filterFrom}</label>
          <input
            id={ids.from}
            type="date"
            required
            value={from}
            max={to || undefined}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="export-from"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t.filterTo}</label>
          <input
            id={ids.to}
            type="date"
            required
            value={to}
            min={from || undefined}
            onChange={(e) => setTo(e.target.value)}
            data-testid="export-to"
          />
        </div>
        <div className="field">
          <label htmlFor={ids.lang}>{t.fileLanguage}</label>
          <select
            id={ids.lang}
            value={fileLang}
            onChange={(e) => setFileLang(e.target.value as Lang)}
            data-testid="export-lang"
          >
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </div>
        <div className="filter-actions">
          <button
            type="submit"
            className="button primary"
            disabled={posting}
            aria-busy={posting}
            data-testid="export-submit"
          >
            {t.startExport}
          </button>
        </div>
      </div>
      {zone && (
        <p className="muted small">
          {t.exportDaysNote} {zone}
        </p>
      )}
      {message && (
        <p
          className={message.ok ? 'form-message good' : 'form-message bad'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="export-message"
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

/** [from, to) as its first and last calendar day in the organization's time zone. */
function periodText(from: string, to: string, lang: Lang, zone: string | null): string {
  const day = (ms: number) =>
    Number.isFinite(ms)
      ? new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
          dateStyle: 'medium',
          ...(zone ? { timeZone: zone } : {}),
        }).format(new Date(ms))
      : '—';
  return `${day(Date.parse(from))} – ${day(Date.parse(to) - 1)}`;
}

function ExportTable({ items }: { items: ExportJob[] }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  const sorted = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="exports-table">
        <thead>
          <tr>
            <th scope="col">{t.createdAt}</th>
            <th scope="col">{t.exportKind}</th>
            <th scope="col">{t.period}</th>
            <th scope="col">{t.runStatus}</th>
            <th scope="col" className="num">
              {t.rows}
            </th>
            <th scope="col" className="num">
              {t.size}
            </th>
            <th scope="col">{t.download}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((job) => {
            const expired = isExpired(job);
            const status = expired ? 'expired' : job.status;
            const working = status === 'queued' || status === 'running';
            const progress = job.progress ?? 0;
            return (
              <tr key={job.id} data-testid="export-row" data-id={job.id} data-status={status}>
                <td className="nowrap">{formatDateTime(job.createdAt, lang, zone)}</td>
                <td>{t[KIND_LABEL[job.kind]] ?? job.kind}</td>
                <td className="nowrap">{periodText(job.from, job.to, lang, zone)}</td>
                <td className="export-status">
                  <span className={`status-pill ${status}`}>
                    {t[`export_${status}` as keyof Labels] ?? status}
                  </span>
                  {working && (
                    <div
                      className={`progress-bar${job.progress === null ? ' indeterminate' : ''}`}
                      role="progressbar"
                      aria-label={t.exportProgress}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={job.progress === null ? undefined : Math.round(progress * 100)}
                      data-testid="export-progress"
                    >
                      <span
                        style={{
                          width: job.progress === null ? undefined : `${Math.min(100, progress * 100)}%`,
                        }}
                      />
                    </div>
                  )}
                  {working && job.progress !== null && (
                    <span className="muted small">{formatPct(progress * 100, lang, 0)}</span>
                  )}
                  {job.error && (
                    <p className="error-text small" role="alert">
                      {job.error}
                    </p>
                  )}
                </td>
                <td className="num">{formatNumber(job.rows, lang)}</td>
                <td className="num">{formatBytes(job.bytes, lang)}</td>
                <td>
                  {status === 'succeeded' && job.downloadUrl ? (
                    <>
                      <a href={job.downloadUrl} download data-testid="export-download">
                        {t.download}
                      </a>
                      {job.expiresAt && (
                        <span className="muted small block">
                          {t.expiresOn} {formatDateTime(job.expiresAt, lang, zone)}
                        </span>
                      )}
                    </>
                  ) : status === 'expired' ? (
                    <span className="muted">{t.exportExpiredNote}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
