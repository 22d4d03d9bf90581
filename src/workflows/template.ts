import type { Variables, VariableValue } from './variables.ts';

/**
 * Templates: text with `{{variable}}` placeholders (spaces inside the braces allowed). How a value is
 * written depends on where it goes:
 * - JSON bodies (`renderJson`): inside a JSON string, the value's text JSON-escaped (null: empty); outside a
 *   string, the value as a JSON literal (number, null, or a quoted, escaped string);
 * - URLs (`renderUrl`): percent-encoded;
 * - header values, cells, columns (`renderText`): the text, null as empty; a cell or column whose template is
 *   exactly one placeholder (`renderValue`) keeps the value's type (a number stays a number, null stays null).
 */

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The placeholders of a template, in order; TemplateError on one that is not `{{name}}`. */
export function placeholders(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    if (!NAME.test(name)) throw new TemplateError(`"${match[0]}" is not a placeholder {{variableName}}`);
    names.push(name);
  }
  return names;
}

/** Problems of a template against the known variables (unknown names, malformed placeholders). */
export function templateProblems(template: string, known: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = placeholders(template);
  } catch (error) {
    return [(error as Error).message];
  }
  const unknown = [...new Set(names.filter((n) => !known.has(n)))];
  return unknown.map(
    (n) => `unknown variable {{${n}}}${suggestion(n, known)} (variables: ${[...known].join(', ')})`,
  );
}

function suggestion(name: string, known: ReadonlySet<string>): string {
  const lower = name.toLowerCase();
  const close = [...known].find((k) => k.toLowerCase() === lower);
  return close ? `: did you mean {{${close}}}?` : '';
}

const text = (value: VariableValue | undefined): string =>
  value === null || value === undefined ? '' : String(value);

function lookup(vars: Variables, raw: string): VariableValue {
  const name = raw.trim();
  if (!Object.hasOwn(vars, name)) throw new TemplateError(`unknown variable {{${name}}}`);
  return vars[name] ?? null;
}

export function renderText(template: string, vars: Variables): string {
  return template.replace(PLACEHOLDER, (_, name: string) => text(lookup(vars, name)));
}

export function renderUrl(template: string, vars: Variables): string {
  return template.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(text(lookup(vars, name))));
}

/** The value itself when the template is exactly one placeholder, else the rendered text. */
export function renderValue(template: string, vars: Variables): VariableValue {
  const only = /^\{\{([^{}]*)\}\}$/.exec(template.trim());
  if (only) return lookup(vars, only[1] ?? '');
  return renderText(template, vars);
}

/**
 * Renders a JSON template: a placeholder inside a string literal gets the JSON-escaped text of its value,
 * one outside a string its JSON literal. The result is not parsed here (validation renders the sample
 * variables and parses that).
 */
export function renderJson(template: string, vars: Variables): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (ch === '{' && template[i + 1] === '{') {
      const end = template.indexOf('}}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end >= 0 && !/[{}]/.test(inner)) {
        const value = lookup(vars, inner);
        out += inString ? JSON.stringify(text(value)).slice(1, -1) : JSON.stringify(value);
        i = end + 2;
        continue;
      }
    }
    if (inString && ch === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
    i += 1;
  }
  return out;
}
