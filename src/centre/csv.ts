/** One parsed CSV record and the 1-based line it starts on (quoted fields may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * RFC 4180 CSV: quoted fields with `""` escapes and embedded newlines, CRLF or LF. Registries come
 * from spreadsheets ("Save as CSV"), which quote names containing commas. A bare quote inside an
 * unquoted field is kept as text; an unterminated quote is reported by its line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // Excel's UTF-8 BOM
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let quoteLine = 0;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < body.length) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      start = line;
    } else field += c;
    i += 1;
  }
  if (quoted) throw new Error(`line ${quoteLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
