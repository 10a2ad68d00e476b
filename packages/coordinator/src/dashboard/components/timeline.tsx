import type { FC } from 'hono/jsx';
import type { InstanceView } from '../../store/deployment-read-model.js';
import { durationBetween } from '../format.js';
import { ColumnHeads } from './column-heads.js';
import { StatusBadge } from './layout.js';

/** What one cell of the timeline shows: an event of one host (from the read model or a live change). */
export interface EventCellProps {
  readonly hostId: string;
  readonly event: string;
  readonly status: string;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly diagnostics?: { readonly errorCode: string; readonly message: string } | undefined;
}

/** Element ids the live stream patches. */
export const eventCellId = (hostId: string, event: string): string => `ev-${hostId}-${event}`;
export const hostStatusId = (hostId: string): string => `host-${hostId}-status`;

export const EventCell: FC<EventCellProps> = ({ hostId, event, status, startTime, endTime, diagnostics }) => {
  const took = durationBetween(startTime, endTime);
  const failed = diagnostics !== undefined && diagnostics.errorCode !== 'Success';
  return (
    <td id={eventCellId(hostId, event)} class={`event event-${status.toLowerCase()}`} title={failed ? diagnostics.message : undefined}>
      {status}
      {took && <span class="event-duration">{took}</span>}
      {failed && <span class="event-error">{diagnostics.errorCode}</span>}
    </td>
  );
};

export const HostStatusCell: FC<{ hostId: string; status: string }> = ({ hostId, status }) => (
  <td id={hostStatusId(hostId)}>
    <StatusBadge status={status} />
  </td>
);

/** The lifecycle events in the order hosts run them; blue/green hosts of either side add their own. */
function eventColumns(instances: readonly InstanceView[]): string[] {
  const names = new Set<string>();
  for (const instance of instances) for (const event of instance.lifecycleEvents) names.add(event.lifecycleEventName);
  return [...names];
}

/** One row per host, one column per lifecycle event: status, duration and error code of each. */
export const Timeline: FC<{ instances: readonly InstanceView[] }> = ({ instances }) => {
  const columns = eventColumns(instances);
  return (
    <section id="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Hosts</h2>
      {instances.length === 0 ? (
        <p>No host has been assigned yet.</p>
      ) : (
        <div class="timeline-wrap">
          <table class="timeline">
            <ColumnHeads names={['Host', 'Status', ...columns]} />
            <tbody>
              {instances.map((instance) => {
                const byName = new Map(instance.lifecycleEvents.map((event) => [event.lifecycleEventName, event]));
                return (
                  <tr>
                    <th scope="row" title={instance.name}>
                      {instance.name}
                    </th>
                    <HostStatusCell hostId={instance.hostId} status={instance.status} />
                    {columns.map((name) => {
                      const event = byName.get(name);
                      return event ? <EventCell hostId={instance.hostId} event={name} {...event} /> : <td></td>;
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};
