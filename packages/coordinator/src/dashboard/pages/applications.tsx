import type { FC } from 'hono/jsx';
import { stringify } from 'yaml';
import { formatStrategy } from '../../group-spec/format-group-spec.js';
import { requireApplication, requireDeploymentGroup } from '../../http/lookups.js';
import { listApplications, type Application } from '../../store/applications.js';
import type { Database } from '../../store/database.js';
import { queryDeployments } from '../../store/deployment-read-model.js';
import { readLiveEnvironment } from '../../store/deployment-plans.js';
import { listDeploymentGroups, listHostsForGroup, type DeploymentGroup } from '../../store/deployment-groups.js';
import { lastSuccessfulDeployment } from '../../store/deployments.js';
import { getRevision } from '../../store/revisions.js';
import { ColumnHeads } from '../components/column-heads.js';
import { DeploymentsTable } from '../components/deployment-rows.js';
import { HostsTable } from '../components/hosts-table.js';
import { Layout } from '../components/layout.js';
import { chromeOf, type DashboardRoutes } from '../dashboard-env.js';
import { formatTime } from '../format.js';
import { readableBy, requireRead } from '../read-access.js';

const RECENT_DEPLOYMENTS = 10;

const appPath = (application: string) => `/ui/applications/${encodeURIComponent(application)}`;
const groupPath = (application: string, group: string) => `${appPath(application)}/groups/${encodeURIComponent(group)}`;

/** The strategy as the group file writes it, on one line: `rolling { batches: [ 1, 25% ], bake: 30s }`. */
const strategyText = (group: DeploymentGroup): string => stringify(formatStrategy(group.strategy), { collectionStyle: 'flow' }).trim();

/** What a group's row shows beside its settings: hosts matched now, the live environment, the last good revision. */
function groupFacts(db: Database, group: DeploymentGroup) {
  const last = lastSuccessfulDeployment(db, group.id);
  const revision = last && getRevision(db, last.revisionId);
  return {
    hosts: listHostsForGroup(db, group),
    liveEnvironment: group.strategy.type === 'blueGreen' ? readLiveEnvironment(db, group.id) : undefined,
    lastSuccess: last && { deploymentId: last.id, location: revision?.location ?? last.revisionId },
  };
}

const GroupsTable: FC<{ db: Database; application: Application; groups: readonly DeploymentGroup[] }> = ({ db, application, groups }) => (
  <table>
    <ColumnHeads names={['Group', 'Strategy', 'Configuration', 'Hosts matched', 'Live environment', 'Last successful revision']} />
    <tbody>
      {groups.map((group) => {
        const facts = groupFacts(db, group);
        return (
          <tr>
            <th scope="row">
              <a href={groupPath(application.name, group.name)}>{group.name}</a>
            </th>
            <td class="mono">{strategyText(group)}</td>
            <td>{group.deploymentConfig.name}</td>
            <td>
              {facts.hosts.length} ({facts.hosts.filter((host) => host.online).length} online)
            </td>
            <td>{group.strategy.type === 'blueGreen' ? (facts.liveEnvironment ?? 'none yet') : '—'}</td>
            <td>
              {facts.lastSuccess ? (
                <>
                  <span class="mono">{facts.lastSuccess.location}</span> (
                  <a href={`/ui/deployments/${facts.lastSuccess.deploymentId}`}>{facts.lastSuccess.deploymentId}</a>)
                </>
              ) : (
                'none yet'
              )}
            </td>
          </tr>
        );
      })}
    </tbody>
  </table>
);

/** Applications, an application's groups, and a group with its settings, matched hosts and recent deployments. */
export const applicationPages: DashboardRoutes = (ui, context) => {
  const { db, metrics } = context;

  ui.get('/applications', (c) => {
    const applications = readableBy(c.get('principal'), listApplications(db), (application) => application.name);
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title="Applications" section="applications">
        <h1>Applications</h1>
        {applications.length === 0 ? (
          <p>No application yet: create one with `baton app create NAME`.</p>
        ) : (
          <table>
            <ColumnHeads names={['Application', 'Deployment groups', 'Created']} />
            <tbody>
              {applications.map((application) => (
                <tr>
                  <th scope="row">
                    <a href={appPath(application.name)}>{application.name}</a>
                  </th>
                  <td>
                    {listDeploymentGroups(db, application.id).map((group, index) => (
                      <>
                        {index > 0 && ', '}
                        <a href={groupPath(application.name, group.name)}>{group.name}</a>
                      </>
                    ))}
                  </td>
                  <td>{formatTime(application.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  ui.get('/applications/:app', (c) => {
    const application = requireApplication(db, c.req.param('app'));
    requireRead(c.get('principal'), application.name);
    const groups = listDeploymentGroups(db, application.id);
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title={application.name} section="applications">
        <h1>Application {application.name}</h1>
        <h2>Deployment groups</h2>
        {groups.length === 0 ? <p>No deployment group yet.</p> : <GroupsTable db={db} application={application} groups={groups} />}
        <h2>Recent deployments</h2>
        <DeploymentsTable deployments={queryDeployments(db, { applicationId: application.id, limit: RECENT_DEPLOYMENTS })} />
        <p>
          <a href={`/ui/deployments?application=${encodeURIComponent(application.name)}`}>All deployments of {application.name}</a>
        </p>
      </Layout>,
    );
  });

  ui.get('/applications/:app/groups/:group', (c) => {
    const application = requireApplication(db, c.req.param('app'));
    requireRead(c.get('principal'), application.name);
    const group = requireDeploymentGroup(db, application, c.req.param('group'));
    const facts = groupFacts(db, group);
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title={`${application.name} / ${group.name}`} section="applications">
        <h1>
          Group <a href={appPath(application.name)}>{application.name}</a> / {group.name}
        </h1>
        <GroupsTable db={db} application={application} groups={[group]} />
        <h2>Settings</h2>
        <pre class="log">
          {stringify({
            strategy: formatStrategy(group.strategy),
            deploymentConfig: group.deploymentConfig,
            hostSelector: group.hostSelector,
            autoRollbackEvents: group.autoRollbackEvents,
            outdatedInstances: group.outdatedInstances,
            ...(group.trafficRouter ? { trafficRouter: group.trafficRouter } : {}),
          })}
        </pre>
        <h2>Hosts matched</h2>
        <HostsTable hosts={facts.hosts} samplesOf={(hostId) => metrics.samples(hostId)} />
        <h2>Recent deployments</h2>
        <DeploymentsTable deployments={queryDeployments(db, { groupId: group.id, limit: RECENT_DEPLOYMENTS })} />
      </Layout>,
    );
  });
};
