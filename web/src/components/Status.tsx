import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import type { ApiState as ApiAnswer } from '../useApi.ts';

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

/**
 * What a view shows for its API answer: the error (with retry), a spinner until the first answer, the
 * empty state, or the content.
 */
export function ApiState<T>({
  data,
  error,
  reload,
  isEmpty,
  empty,
  children,
}: {
  data: T | null | undefined;
  error: ApiError | null | undefined;
  reload: () => void;
  isEmpty: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (data === null || data === undefined) return <Loading />;
  if (isEmpty(data)) return <Empty>{empty}</Empty>;
  return <>{children(data)}</>;
}

/**
 * A card listing the items of an API answer: its title (which labels the section), a bar while newer data
 * loads, then ApiState (error with retry, spinner, `empty` when there are no items, or the list).
 */
export function ListCard<T extends { items: readonly unknown[] }>({
  id,
  title,
  answer,
  empty,
  testId,
  children,
}: {
  id: string;
  title: ReactNode;
  answer: ApiAnswer<T>;
  empty?: ReactNode;
  testId?: string;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className="card table-card" aria-labelledby={id} data-testid={testId}>
      <Refreshing active={answer.loading && !!answer.data} />
      <h2 id={id} className="card-title">
        {title}
      </h2>
      <ApiState
        data={answer.data}
        error={answer.error}
        reload={answer.reload}
        isEmpty={(d) => d.items.length === 0}
        empty={empty}
      >
        {children}
      </ApiState>
    </section>
  );
}
