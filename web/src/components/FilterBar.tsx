import { type ReactElement, useEffect, useId, useMemo, useState } from 'react';
import { buildUrl, type Facets } from '../api.ts';
import { addDays, FILTER_KEYS, isGenesys, listOf, removeFromList } from '../filters.ts';
import { durationInput, parseDuration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { updateQuery } from '../router.tsx';
import { useApi } from '../useApi.ts';

interface Props {
  query: URLSearchParams;
  dataset: string;
}

/** Values offered by the pickers: those of the whole dataset (GET /api/v1/facets). */
function useOptions(dataset: string) {
  const { data } = useApi<Facets>(buildUrl('/facets', { dataset }));
  return useMemo(
    () => ({
      mediaType: data?.mediaType ?? [],
      requestType: data?.requestType ?? [],
      queue: data?.queue ?? [],
      agent: data?.agent ?? [],
    }),
    [data],
  );
}

const ADVANCED = ['dateMode', 'queue', 'agent', 'minDuration', 'maxDuration'];
const CHIP_KEYS = ['activity', 'follows', 'variant'];

/** The shared filter bar; every control reads and writes the URL (same names as the API). */
export function FilterBar({ query, dataset }: Props) {
  const { t, activity } = useI18n();
  const genesys = isGenesys(query);
  const options = useOptions(dataset);
  const set = (key: string, value: string | undefined) => updateQuery({ [key]: value, page: undefined });
  const active = FILTER_KEYS.some((k) => k !== 'dataset' && query.get(k));
  const advancedSet = ADVANCED.filter((k) => query.get(k)).length;
  const [more, setMore] = useState(advancedSet > 0);
  const showMore = more || advancedSet > 0;
  const moreId = useId();
  const to = query.get('to');
  const chips = CHIP_KEYS.some((k) => query.get(k));

  return (
    <section className="filter-bar" aria-label={t.filters} data-testid="filter-bar">
      <div className="filter-grid">
        <Field label={t.filterFrom}>
          {(id) => (
            <input
              id={id}
              type="date"
              value={query.get('from') ?? ''}
              onChange={(e) => set('from', e.target.value || undefined)}
              data-testid="filter-from"
            />
          )}
        </Field>
        <Field label={t.filterTo}>
          {(id) => (
            <input
              id={id}
              type="date"
              value={to && /^\d{4}-\d{2}-\d{2}$/.test(to) ? addDays(to, -1) : ''}
              onChange={(e) => set('to', e.target.value ? addDays(e.target.value, 1) : undefined)}
              data-testid="filter-to"
            />
          )}
        </Field>
        {genesys && (
          <>
            <ChoiceField
              label={t.filterMediaType}
              param="mediaType"
              query={query}
              options={options.mediaType}
              onSet={set}
            />
            <ChoiceField
              label={t.filterRequestType}
              param="requestType"
              query={query}
              options={options.requestType}
              onSet={set}
            />
            <BoolField
              label={t.filterSla}
              param="slaCompliant"
              yes={t.slaMet}
              no={t.slaMissed}
              query={query}
              onSet={set}
            />
            <BoolField label={t.filterFcr} param="fcr" yes={t.yes} no={t.no} query={query} onSet={set} />
            <BoolField
              label={t.filterReopened}
              param="reopened"
              yes={t.yes}
              no={t.no}
              query={query}
              onSet={set}
            />
          </>
        )}
        <div className="filter-actions">
          <button
            type="button"
            className="button"
            aria-expanded={showMore}
            aria-controls={moreId}
            onClick={() => setMore(!showMore)}
            data-testid="filter-more"
          >
            {showMore ? t.lessFilters : t.moreFilters}
            {advancedSet > 0 && <span className="badge">{advancedSet}</span>}
          </button>
          {active && (
            <button
              type="button"
              className="link-button"
              onClick={() =>
                updateQuery(
                  Object.fromEntries(FILTER_KEYS.filter((k) => k !== 'dataset').map((k) => [k, undefined])),
                )
              }
              data-testid="filter-clear"
            >
              {t.clearFilters}
            </button>
          )}
        </div>
      </div>
      <div className="filter-grid filter-advanced" id={moreId} hidden={!showMore}>
        <Field label={t.filterDateMode}>
          {(id) => (
            <select
              id={id}
              value={query.get('dateMode') ?? 'start'}
              onChange={(e) => set('dateMode', e.target.value === 'start' ? undefined : e.target.value)}
              data-testid="filter-dateMode"
            >
              <option value="start">{t.dateModeStart}</option>
              <option value="any">{t.dateModeAny}</option>
            </select>
          )}
        </Field>
        {genesys && (
          <TextListField
            label={t.filterQueue}
            param="queue"
            query={query}
            onSet={set}
            suggestions={options.queue}
          />
        )}
        <TextListField
          label={genesys ? t.filterAgent : t.resource}
          param="agent"
          query={query}
          onSet={set}
          suggestions={options.agent}
        />
        <DurationField label={t.filterMinDuration} param="minDuration" query={query} onSet={set} />
        <DurationField label={t.filterMaxDuration} param="maxDuration" query={query} onSet={set} />
      </div>
      {chips && (
        <div className="filter-chips">
          {listOf(query.get('activity')).map((a) => (
            <Chip
              key={`a:${a}`}
              label={`${t.chipActivity}: ${activity(a)}`}
              testId={`chip-activity-${a}`}
              onRemove={() => set('activity', removeFromList(query.get('activity'), a) || undefined)}
            />
          ))}
          {listOf(query.get('follows')).map((f) => {
            const [x = '', y = ''] = f.split('>');
            return (
              <Chip
                key={`f:${f}`}
                label={`${t.chipFollows}: ${activity(x)} → ${activity(y)}`}
                testId={`chip-follows-${f}`}
                onRemove={() => set('follows', removeFromList(query.get('follows'), f) || undefined)}
              />
            );
          })}
          {listOf(query.get('variant')).map((v) => (
            <Chip
              key={`v:${v}`}
              label={`${t.chipVariant}: ${v}`}
              testId={`chip-variant-${v}`}
              onRemove={() => set('variant', removeFromList(query.get('variant'), v) || undefined)}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function Field({ label, children }: { label: string; children: (id: string) => ReactElement }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

interface ParamProps {
  label: string;
  param: string;
  query: URLSearchParams;
  onSet: (key: string, value: string | undefined) => void;
}

function ChoiceField({ label, param, query, options, onSet }: ParamProps & { options: string[] }) {
  const { t } = useI18n();
  const value = query.get(param) ?? '';
  const all = value && !options.includes(value) ? [...options, value] : options;
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={value}
          onChange={(e) => onSet(param, e.target.value || undefined)}
          data-testid={`filter-${param}`}
        >
          <option value="">{t.all}</option>
          {all.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function BoolField({ label, param, query, onSet, yes, no }: ParamProps & { yes: string; no: string }) {
  const { t } = useI18n();
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={query.get(param) ?? ''}
          onChange={(e) => onSet(param, e.target.value || undefined)}
          data-testid={`filter-${param}`}
        >
          <option value="">{t.any}</option>
          <option value="true">{yes}</option>
          <option value="false">{no}</option>
        </select>
      )}
    </Field>
  );
}

/** Free text, applied on Enter or when the field loses focus. */
function TextListField({ label, param, query, onSet, suggestions }: ParamProps & { suggestions: string[] }) {
  const { t } = useI18n();
  const listId = useId();
  const current = query.get(param) ?? '';
  const [text, setText] = useState(current);
  useEffect(() => setText(current), [current]);
  const apply = () => {
    const value = listOf(text).join(',');
    if (value !== current) onSet(param, value || undefined);
  };
  return (
    <Field label={label}>
      {(id) => (
        <>
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <input
            id={id}
            type="search"
            placeholder={t.listHint}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onBlur={apply}
            onKeyDown={(e) => {
              if (e.key === 'Enter') apply();
            }}
            list={listId}
            data-testid={`filter-${param}`}
          />
        </>
      )}
    </Field>
  );
}

function DurationField({ label, param, query, onSet }: ParamProps) {
  const { t } = useI18n();
  const current = query.get(param) ?? '';
  const shown = current && Number.isFinite(Number(current)) ? durationInput(Number(current)) : current;
  const [text, setText] = useState(shown);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setText(shown);
    setInvalid(false);
  }, [shown]);
  const apply = () => {
    if (!text.trim()) {
      setInvalid(false);
      if (current) onSet(param, undefined);
      return;
    }
    const seconds = parseDuration(text);
    setInvalid(seconds === null);
    if (seconds !== null && String(seconds) !== current) onSet(param, String(seconds));
  };
  return (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          type="text"
          inputMode="text"
          placeholder={t.durationHint}
          value={text}
          aria-invalid={invalid || undefined}
          title={invalid ? t.badDuration : t.durationHint}
          onChange={(e) => setText(e.target.value)}
          onBlur={apply}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
          }}
          data-testid={`filter-${param}`}
          size={8}
        />
      )}
    </Field>
  );
}

export function Chip({ label, onRemove, testId }: { label: string; onRemove: () => void; testId: string }) {
  const { t } = useI18n();
  return (
    <span className="chip chip-filter" data-testid={testId}>
      {label}
      <button type="button" onClick={onRemove} aria-label={`${t.removeFilter}: ${label}`}>
        ×
      </button>
    </span>
  );
}
