import { useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n.ts';

export interface PickerOption {
  value: string;
  label: string;
}

interface Props {
  label: string;
  options: PickerOption[];
  /** The chosen values (chosen values missing from `options` are still listed). */
  value: string[];
  onChange: (value: string[]) => void;
  testId: string;
}

/**
 * A multiple choice as a drop-down list of check boxes: the summary says what is chosen ("All", one
 * name, or "3 selected"). Closes on Escape and on a click elsewhere.
 */
export function MultiPicker({ label, options, value, onChange, testId }: Props) {
  const { t } = useI18n();
  const ref = useRef<HTMLDetailsElement>(null);
  const labelId = useId();
  const all = [
    ...options,
    ...value.filter((v) => !options.some((o) => o.value === v)).map((v) => ({ value: v, label: v })),
  ];
  const chosen = all.filter((o) => value.includes(o.value));
  const summary =
    chosen.length === 0
      ? t.all
      : chosen.length === 1
        ? (chosen[0]?.label ?? '')
        : `${chosen.length} ${t.selected}`;

  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      const el = ref.current;
      if (el?.open && !el.contains(event.target as Node)) el.open = false;
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, []);

  const toggle = (v: string, on: boolean) =>
    onChange(
      on ? all.map((o) => o.value).filter((x) => x === v || value.includes(x)) : value.filter((x) => x !== v),
    );

  return (
    <div className="field">
      <span className="field-label" id={labelId}>
        {label}
      </span>
      <details
        ref={ref}
        className="multi-picker"
        data-testid={testId}
        data-value={value.join(',')}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && ref.current?.open) {
            ref.current.open = false;
            ref.current.querySelector('summary')?.focus();
          }
        }}
      >
        <summary aria-labelledby={`${labelId} ${labelId}-value`}>
          <span id={`${labelId}-value`}>{summary}</span>
        </summary>
        <fieldset className="multi-picker-menu">
          <legend className="visually-hidden">{label}</legend>
          {all.length === 0 && <p className="muted small">{t.noOptions}</p>}
          {all.map((o) => (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                value={o.value}
                checked={value.includes(o.value)}
                onChange={(e) => toggle(o.value, e.target.checked)}
                data-testid={`${testId}-option`}
              />
              {o.label}
            </label>
          ))}
          {value.length > 0 && (
            <button type="button" className="link-button" onClick={() => onChange([])}>
              {t.clearSelection}
            </button>
          )}
        </fieldset>
      </details>
    </div>
  );
}
