/**
 * CSV that is safe to open in a spreadsheet (RFC 4180 quoting; formula injection neutralized): a text
 * cell starting with = + - @ (or a tab / carriage return, which some spreadsheets skip before them) gets
 * a leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text instead of running it.
 * Numbers, booleans and dates are written as they are: a negative number stays a number.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A whole CSV document: header line, then one line per row (values in header order). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}
