import { useEffect, useState } from 'react';
import {
  ApiError,
  buildUrl,
  postJson,
  type Source,
  type SourceProgress,
  type SourceRun,
  type SourcesResponse,
} from '../api.ts';
import { ApiState } from '../components/Status.tsx';
import { getOrganizationTimeZone } from '../filters.ts';
import { formatDateTime, formatDuration, formatEvery, formatNumber, secondsBetween } from '../format.ts';
import { type Labels, useI18n } from '../i18n.ts';
import { useApi } from '../useApi.ts';

/** Poll fast while a sync runs, slowly otherwise. */
const POLL_RUNNING_MS = 2_000;
const POLL_IDLE_MS = 15_000;

const SOURCE_NAMES: Record<string, string> = { 'genesys-cloud': 'Genesys Cloud CX' };

export default function Sources() {
  const { t } = useI18n();
  const { data, loading, error, reload } = useApi<SourcesResponse>(buildUrl('/sources'), { cached: false });
  const running = !!data?.sources.some((s) => s.state === 'running');
  const zone = getOrganizationTimeZone();

  // The next poll is scheduled once the previous answer (or error) is in.
  useEffect(() => {
    if (loading) return;
    const timer = setTimeout(reload, running ? POLL_RUNNING_MS : POLL_IDLE_MS);
    return () => clearTimeout(timer);
  }, [loading, running, reload]);

  return (
    <div className="page" data-testid="page-sources">
      <div className="page-head">
        <h1>{t.navSources}</h1>
        {zone && (
          <p className="muted">
            {t.timeZone}: {zone}
          </p>
        )}
      </div>
      <ApiState data={data} error={error} reload={reload} isEmpty={(d) => d.sources.length === 0}>
        {(data) => data.sources.map((s) => <SourceCard key={s.id} source={s} reload={reload} />)}
      </ApiState>
    </div>
  );
}

function SourceCard({ source: s, reload }: { source: Source; reload: () => void }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  const [posting, setPosting] = useState(false);
  // The answer shown when the sync was asked for: the button stays busy until a newer one arrives.
  const [askedOn, setAskedOn] = useState<Source | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const running = s.state === 'running';
  const busy = posting || askedOn === s;

  const syncNow = async () => {
    setPosting(true);
    setSyncError(null);
    try {
      await postJson(buildUrl(`/sources/${encodeURIComponent(s.id)}/sync`));
      setAskedOn(s);
    } catch (e) {
      setSyncError(e instanceof ApiError ? e.message : String(e));
    }
    setPosting(false);
    reload();
  };

  const facts: [string, string][] = [
    [t.region, s.region ?? '—'],
    [t.apiUrl, s.apiUrl ?? '—'],
    [t.sourceSystem, s.sourceSystem],
    [t.organization, s.organization?.name ?? '—'],
    [t.schedule, s.schedule ? formatEvery(s.schedule.everyMinutes, lang) : t.scheduleOff],
    [t.watermark, formatDateTime(s.watermark, lang, zone)],
    [t.nextRun, formatDateTime(s.nextRunAt, lang, zone)],
  ];

  return (
    <section
      className="card source-card"
      aria-labelledby={`source-${s.id}-title`}
      data-testid={`source-${s.id}`}
    >
      <div className="source-head">
        <h2 id={`source-${s.id}-title`}>{SOURCE_NAMES[s.kind] ?? s.id}</h2>
        <span
          className={`source-state ${s.state}`}
          role="status"
          data-testid="source-state"
          data-state={s.state}
        >
          {t[`sourceState_${s.state}` as keyof Labels] ?? s.state}
        </span>
        <button
          type="button"
          className="button primary"
          onClick={syncNow}
          disabled={running || busy || !s.configured}
          aria-busy={busy}
          data-testid="sync-now"
        >
          {t.syncNow}
        </button>
      </div>
      {syncError && (
        <div className="status status-error" role="alert" data-testid="sync-error">
          <strong>{t.syncFailed}</strong>
          <p>{syncError}</p>
        </div>
      )}
      {s.error && (
        <div className="status status-error" role="alert" data-testid="source-error">
          <strong>{t.sourceConfigError}</strong>
          <p>{s.error}</p>
        </div>
      )}
      {!s.configured && (
        <p className="source-setup" data-testid="source-setup">
          {withCode(t.notConfigured)}
        </p>
      )}
      {running && <Progress progress={s.progress} />}
      {s.configured && (
        <dl className="attributes">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {s.configured && <LastRun run={s.lastRun} />}
    </section>
  );
}

/** Text with `code` spans (the configuration keys in a label). */
function withCode(text: string) {
  return text.split('`').map((part, i) => (i % 2 ? <code key={part}>{part}</code> : part));
}

function Progress({ progress: p }: { progress: SourceProgress | null }) {
  const { t, lang } = useI18n();
  const known = !!p && p.intervalsTotal > 0;
  const pct = known && p ? Math.min(100, (p.intervalsDone / p.intervalsTotal) * 100) : 0;
  const intervals = p
    ? `${formatNumber(p.intervalsDone, lang)} / ${formatNumber(p.intervalsTotal, lang)}`
    : '';
  return (
    <div className="source-progress" data-testid="source-progress">
      <div
        className={`progress-bar${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label={t.syncProgress}
        aria-valuemin={0}
        aria-valuemax={p?.intervalsTotal ?? 0}
        aria-valuenow={known ? p?.intervalsDone : undefined}
        aria-valuetext={known ? `${intervals} ${t.intervals}` : undefined}
      >
        <span style={{ width: known ? `${pct}%` : undefined }} />
      </div>
      {p && (
        <p className="muted small progress-text">
          {t[`phase_${p.phase}` as keyof Labels] ?? p.phase} · {intervals} {t.intervals} ·{' '}
          {formatNumber(p.pages, lang)} {t.pages} · {formatNumber(p.conversations, lang)}{' '}
          {t.conversations.toLowerCase()}
        </p>
      )}
    </div>
  );
}

function LastRun({ run }: { run: SourceRun | null }) {
  const { t, lang } = useI18n();
  const zone = getOrganizationTimeZone();
  if (!run) {
    return (
      <p className="muted" data-testid="last-run">
        {t.noRunYet}
      </p>
    );
  }
  const tone = run.status === 'succeeded' ? 'good' : run.status === 'failed' ? 'bad' : '';
  const counts: [string, number][] = [
    [t.conversations, run.conversations],
    [t.added, run.added],
    [t.updated, run.updated],
    [t.unchangedCount, run.unchanged],
    [t.rejected, run.rejected],
  ];
  return (
    <div className="last-run" data-testid="last-run" data-status={run.status}>
      <h3>{t.lastRun}</h3>
      <dl className="attributes">
        <div>
          <dt>{t.trigger}</dt>
          <dd>{t[`trigger_${run.trigger}` as keyof Labels] ?? run.trigger}</dd>
        </div>
        <div>
          <dt>{t.start}</dt>
          <dd>{formatDateTime(run.startedAt, lang, zone)}</dd>
        </div>
        <div>
          <dt>{t.duration}</dt>
          <dd>{formatDuration(secondsBetween(run.startedAt, run.finishedAt), lang)}</dd>
        </div>
        <div>
          <dt>{t.runStatus}</dt>
          <dd>
            <span className={`flag ${tone}`}>{t[`run_${run.status}` as keyof Labels] ?? run.status}</span>
          </dd>
        </div>
        <div>
          <dt>{t.runWindow}</dt>
          <dd>
            {formatDateTime(run.from, lang, zone)} → {formatDateTime(run.to, lang, zone)}
          </dd>
        </div>
      </dl>
      <table className="data-table compact run-counts">
        <thead>
          <tr>
            {counts.map(([label]) => (
              <th scope="col" key={label} className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {counts.map(([label, n]) => (
              <td key={label} className="num">
                {formatNumber(n, lang)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {run.error && (
        <div className="status status-error" role="alert" data-testid="last-run-error">
          <strong>{t.runError}</strong>
          <p className="mono">{run.error}</p>
        </div>
      )}
    </div>
  );
}
