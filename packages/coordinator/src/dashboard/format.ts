/** Text the dashboard shows for times and durations. Pure: "now" is never read here. */

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.round(ms));
  if (clamped < 1000) return `${clamped} ms`;
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)} s`;
  const seconds = Math.floor(clamped / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')} min`;
}

/** How long something took, when both ends are known. */
export function durationBetween(startTime: string | undefined, endTime: string | undefined): string | undefined {
  if (startTime === undefined || endTime === undefined) return undefined;
  return formatDuration(Date.parse(endTime) - Date.parse(startTime));
}

/** `2030-01-01 12:00:03 UTC`: one unambiguous zone for every viewer. */
export const formatTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/** `3 Succeeded · 1 InProgress`: the host counts that are not zero. */
export const formatOverview = (overview: Readonly<Record<string, number>>): string =>
  Object.entries(overview)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(' · ');
