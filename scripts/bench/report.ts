/** The benchmark's result table: one row per figure, with its goal and whether it was met. */
import { formatTable } from '../../packages/coordinator/src/cli/format-table.js';

export interface Figure {
  readonly name: string;
  readonly measured: string;
  /** Empty for a figure given for context only. */
  readonly goal: string;
  readonly met?: boolean;
}

export function formatFigures(figures: readonly Figure[]): string {
  const verdict = (figure: Figure): string => (figure.met === undefined ? '' : figure.met ? 'yes' : 'NO');
  return formatTable(
    ['figure', 'measured', 'goal', 'met'],
    figures.map((figure) => [figure.name, figure.measured, figure.goal, verdict(figure)]),
  );
}

export const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const formatMb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) throw new Error('median of nothing');
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
