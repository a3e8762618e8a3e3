/** Aligned plain-text table for technicians; colour is added by the caller only on a TTY. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const COLOURS = { green: 32, yellow: 33, red: 31, grey: 90 } as const;

export function colour(text: string, name: keyof typeof COLOURS, enabled: boolean): string {
  return enabled ? `\u001b[${COLOURS[name]}m${text}\u001b[0m` : text;
}
