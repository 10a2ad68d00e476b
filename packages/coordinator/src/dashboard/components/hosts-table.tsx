import type { HostMetricsSample } from '@baton/shared';
import type { FC } from 'hono/jsx';
import type { Host } from '../../store/hosts.js';
import { formatTime } from '../format.js';
import { sparklinePoints } from '../sparkline-points.js';
import { ColumnHeads } from './column-heads.js';
import { StatusBadge } from './layout.js';

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 24;

/** CPU use over the recent samples as an inline SVG line, with the latest figures as its text alternative. */
const HealthSparkline: FC<{ samples: readonly HostMetricsSample[] }> = ({ samples }) => {
  const latest = samples.at(-1);
  if (!latest) return <span class="muted">no metrics yet</span>;
  const label = `CPU ${latest.cpuPercent.toFixed(0)}%, memory ${latest.memoryPercent.toFixed(0)}%, disk ${latest.diskPercent.toFixed(0)}%, load ${latest.load1.toFixed(2)}`;
  return (
    <span>
      <svg class="spark" role="img" aria-label={`CPU over the last ${samples.length} samples; now ${label}`} width={SPARK_WIDTH} height={SPARK_HEIGHT} viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`}>
        <polyline points={sparklinePoints(samples.map((s) => s.cpuPercent), SPARK_WIDTH, SPARK_HEIGHT - 2, 100)} fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>{' '}
      <span class="mono">{label}</span>
    </span>
  );
};

/** Hosts with connectivity, agent version, tags and health. */
export const HostsTable: FC<{ hosts: readonly Host[]; samplesOf: (hostId: string) => readonly HostMetricsSample[] }> = ({ hosts, samplesOf }) =>
  hosts.length === 0 ? (
    <p>No host.</p>
  ) : (
    <table>
      <ColumnHeads names={['Host', 'Connection', 'Agent', 'Tags', 'Health', 'Last seen']} />
      <tbody>
        {hosts.map((host) => (
          <tr>
            <th scope="row">{host.name}</th>
            <td>
              <StatusBadge status={host.online ? 'online' : 'offline'} />
            </td>
            <td>{host.agentVersion ?? '—'}</td>
            <td class="tags">
              {Object.entries(host.tags).map(([key, value]) => (
                <code>{`${key}=${value}`}</code>
              ))}
            </td>
            <td>
              <HealthSparkline samples={samplesOf(host.id)} />
            </td>
            <td>{host.lastSeenAt ? formatTime(host.lastSeenAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
