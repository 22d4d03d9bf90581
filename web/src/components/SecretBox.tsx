import { useState } from 'react';
import { useI18n } from '../i18n.ts';

/**
 * A secret shown once (a one-time password, an API token): selectable text, a copy button, and the
 * warning that it will not be shown again.
 */
export function SecretBox({
  label,
  secret,
  note,
  onDone,
  testId,
}: {
  label: string;
  secret: string;
  note: string;
  onDone: () => void;
  testId: string;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (insecure origin, permission refused): the text stays selectable.
      setCopied(false);
    }
  };
  return (
    <div className="secret-box" role="status" data-testid={testId}>
      <strong>{label}</strong>
      <div className="secret-row">
        <code className="secret-value" data-testid={`${testId}-value`}>
          {secret}
        </code>
        <button type="button" className="button" onClick={copy} data-testid={`${testId}-copy`}>
          {t.copy}
        </button>
        <button type="button" className="button" onClick={onDone} data-testid={`${testId}-done`}>
          {t.done}
        </button>
      </div>
      <p className="secret-note muted small">
        {note}
        {copied === true && <span className="good"> · {t.copied}</span>}
        {copied === false && <span className="bad"> · {t.copyFailed}</span>}
      </p>
    </div>
  );
}
