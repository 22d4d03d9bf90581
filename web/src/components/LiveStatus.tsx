import { useI18n } from '../i18n.ts';
import type { LiveState } from '../journey.ts';

/** A coloured dot with the state's name: the text carries the meaning, the colour repeats it. */
export function LiveStatus({ state }: { state: Exclude<LiveState, 'ended'> }) {
  const { t } = useI18n();
  return (
    <span className={`live-status ${state}`} data-testid="live-status" data-state={state}>
      <span className="live-dot" aria-hidden="true" />
      {t[`liveState_${state}`]}
    </span>
  );
}
