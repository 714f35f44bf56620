/** A record of a CSV file with the line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * Parses RFC 4180 CSV (comma, double quotes, "" for a quote, line breaks inside quotes, CRLF or
 * LF, an optional BOM) into records keyed by the header. Never throws: what cannot be read is
 * a problem with its line.
 */
export function parseCsv(text: string): { header: string[]; records: CsvRecord[]; problems: CsvProblem[] } {
  const rows: Array<{ line: number; cells: string[] }> = [];
  const problems: CsvProblem[] = [];
  const src = text.replace(/^\uFEFF/, '');
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endCell = () => {
    cells.push(wasQuoted ? cell : cell.trim());
    cell = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell.trim() !== '') problems.push({ line, message: 'a quote inside an unquoted value' });
      quoted = true;
      wasQuoted = true;
      cell = '';
      i++;
    } else if (ch === ',') {
      endCell();
      i++;
    } else if (ch === '\r' && src[i + 1] === '\n') {
      endRow();
      line++;
      rowLine = line;
      i += 2;
    } else if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
      i++;
    } else {
      if (wasQuoted && ch.trim() !== '') problems.push({ line, message: 'text after a closing quote' });
      cell += ch;
      i++;
    }
  }
  if (quoted) problems.push({ line: rowLine, message: 'a quoted value is not closed' });
  if (cell !== '' || cells.length) endRow();
  const [head, ...body] = rows;
  if (!head) return { header: [], records: [], problems: problems.length ? problems : [{ line: 1, message: 'the file is empty' }] };
  const header = head.cells.map((h) => h.trim().toLowerCase());
  const records: CsvRecord[] = [];
  for (const row of body) {
    if (row.cells.length !== header.length) {
      problems.push({ line: row.line, message: `expected ${header.length} values as in the header, found ${row.cells.length}` });
      continue;
    }
    records.push({ line: row.line, values: Object.fromEntries(header.map((h, k) => [h, row.cells[k]!])) });
  }
  return { header, records, problems };
}

/** Quotes a value for CSV when needed. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
