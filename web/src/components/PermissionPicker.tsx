import type { PermissionInfo } from '../access.ts';
import { useI18n } from '../i18n.ts';

/**
 * Checkboxes of permissions, grouped by domain (`analytics`, `admin`…). Chosen patterns that are not in
 * the list (wildcards such as `analytics:*` set through the API) are kept and shown so they can be
 * removed.
 */
export function PermissionPicker({
  items,
  value,
  onChange,
  legend,
  testId,
}: {
  items: PermissionInfo[];
  value: string[];
  onChange: (value: string[]) => void;
  legend: string;
  testId: string;
}) {
  const { t } = useI18n();
  const known = new Set(items.map((i) => i.name));
  const others = value
    .filter((p) => !known.has(p))
    .map((name) => ({ name, description: t.permissionPattern }));
  const groups = new Map<string, PermissionInfo[]>();
  for (const item of [...others, ...items]) {
    const domain = item.name.split(':')[0] ?? item.name;
    groups.set(domain, [...(groups.get(domain) ?? []), item]);
  }
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...value.filter((p) => p !== name), name] : value.filter((p) => p !== name));
  return (
    <fieldset className="form-group permission-picker" data-testid={testId}>
      <legend>{legend}</legend>
      {[...groups].map(([domain, list]) => (
        <div key={domain} className="permission-group">
          <span className="field-label">{domain}</span>
          {list.map((item) => (
            <label key={item.name} className="check permission-check">
              <input
                type="checkbox"
                className="permission-box"
                checked={value.includes(item.name)}
                onChange={(e) => toggle(item.name, e.target.checked)}
                data-testid={`perm-${item.name}`}
              />
              <span>
                <code>{item.name}</code> <span className="muted small">{item.description}</span>
              </span>
            </label>
          ))}
        </div>
      ))}
    </fieldset>
  );
}
