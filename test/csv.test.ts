import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../src/reports/csv.ts';

describe('spreadsheet-safe CSV', () => {
  it('neutralizes cells that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+33 1 80 20 60 00')).toBe("'+33 1 80 20 60 00");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('plain, with comma')).toBe('"plain, with comma"');
  });

  it('keeps numbers, booleans and empty values as they are', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});
