import { useEffect, useId, useState } from 'react';
import { useApi } from '../useApi.ts';
import { itemUrl, type Offer, secondsLeft, useWorkText, type WorkItem } from '../work.ts';

/**
 * A pushed work item: its title, a countdown to the offer's expiry, Accept (start) and Decline. After the
 * expiry the server declines it itself and offers it to the next agent; the notification says so.
 */
export function WorkOffer({
  offer,
  busy,
  onAccept,
  onDecline,
  onDismiss,
}: {
  offer: Offer;
  busy: boolean;
  onAccept: (item: WorkItem) => void;
  onDecline: (item: WorkItem) => void;
  onDismiss: () => void;
}) {
  const { w } = useWorkText();
  const item = useApi<WorkItem>(itemUrl(offer.itemId), { cached: false });
  const [now, setNow] = useState(() => Date.now());
  const titleId = useId();
  const left = secondsLeft(offer.expiresAt, now);

  useEffect(() => {
    if (left === 0) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [left]);

  return (
    <section
      className="card work-offer"
      role="alert"
      aria-labelledby={titleId}
      data-testid="work-offer"
      data-item={offer.itemId}
    >
      <h2 id={titleId} className="card-title">
        {w.offerTitle}
      </h2>
      <p className="work-offer-title" data-testid="work-offer-title">
        {item.data?.title ?? offer.itemId}
      </p>
      {left > 0 ? (
        <p className="muted" data-testid="work-offer-countdown">
          {/* Read out once, not every second. */}
          <span aria-hidden="true">{w.offerExpires.replace('{s}', String(left))}</span>
          <progress
            className="work-offer-progress"
            max={Math.max(1, secondsLeft(offer.expiresAt, Date.parse(offer.offeredAt)))}
            value={left}
            aria-label={w.offerExpires.replace('{s}', String(left))}
          />
        </p>
      ) : (
        <p className="form-message bad" data-testid="work-offer-expired">
          {w.offerExpired}
        </p>
      )}
      <div className="form-actions">
        {left > 0 && item.data ? (
          <>
            <button
              type="button"
              className="button primary"
              disabled={busy}
              onClick={() => item.data && onAccept(item.data)}
              data-testid="work-offer-accept"
            >
              {w.accept}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => item.data && onDecline(item.data)}
              data-testid="work-offer-decline"
            >
              {w.decline}
            </button>
          </>
        ) : (
          <button type="button" className="button" onClick={onDismiss} data-testid="work-offer-dismiss">
            {w.close}
          </button>
        )}
      </div>
    </section>
  );
}
