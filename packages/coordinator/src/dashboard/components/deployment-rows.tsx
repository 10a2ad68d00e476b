import type { FC } from 'hono/jsx';
import type { DeploymentView } from '../../store/deployment-read-model.js';
import { formatOverview, formatTime } from '../format.js';
import { ColumnHeads } from './column-heads.js';
import { StatusBadge } from './layout.js';

export const DEPLOYMENT_ROWS_ID = 'deployment-rows';

/** Deployments as table rows, newest first; the live stream replaces the whole body when any changes. */
export const DeploymentRows: FC<{ deployments: readonly DeploymentView[] }> = ({ deployments }) => (
  <tbody id={DEPLOYMENT_ROWS_ID}>
    {deployments.length === 0 && (
      <tr>
        <td colspan={6}>No deployment.</td>
      </tr>
    )}
    {deployments.map((deployment) => (
      <tr>
        <th scope="row">
          <a href={`/ui/deployments/${deployment.deploymentId}`}>{deployment.deploymentId}</a>
        </th>
        <td>{deployment.applicationName}</td>
        <td>{deployment.deploymentGroupName}</td>
        <td>
          <StatusBadge status={deployment.status} />
          {deployment.errorInformation && <span class="event-error">{deployment.errorInformation.code}</span>}
        </td>
        <td>
          {formatOverview(deployment.deploymentOverview)}
        </td>
        <td>
          {deployment.creator} · {formatTime(deployment.createTime)}
        </td>
      </tr>
    ))}
  </tbody>
);

export const DeploymentsTable: FC<{ deployments: readonly DeploymentView[] }> = ({ deployments }) => (
  <table>
    <ColumnHeads names={['Deployment', 'Application', 'Group', 'Status', 'Hosts', 'Created']} />
    <DeploymentRows deployments={deployments} />
  </table>
);
