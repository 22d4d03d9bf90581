import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';

export function Loading({ label, testId = 'loading' }: { label?: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="status status-loading" role="status" aria-live="polite" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      {label ?? t.loading}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="status status-error" role="alert" data-testid="error">
      <strong>{t.errorTitle}</strong>
      <p data-testid="error-message">
        {error.status ? `${error.status} · ` : ''}
        {error.message}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="status status-empty" data-testid="empty">
      {children ?? t.empty}
    </div>
  );
}

/** A thin bar along the top of a panel while newer data loads over the shown data. */
export function Refreshing({ active }: { active: boolean }) {
  const { t } = useI18n();
  if (!active) return null;
  return (
    <div className="refreshing" role="status" aria-live="polite" data-testid="refreshing">
      <span className="visually-hidden">{t.loading}</span>
    </div>
  );
}
