/** Renders rows as left-aligned columns under upper-case headers, two spaces apart. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers.map((header) => header.toUpperCase())), ...rows.map(line)].join('\n');
}

/** `env=prod,role=web` for a tag map; `-` when there are none. */
export function formatTags(tags: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(tags).map(([key, value]) => (value === '' ? key : `${key}=${value}`));
  return pairs.length === 0 ? '-' : pairs.join(',');
}
