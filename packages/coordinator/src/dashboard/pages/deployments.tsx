import { DeploymentStatus } from '@baton/shared';
import type { FC } from 'hono/jsx';
import { listApplications } from '../../store/applications.js';
import { listDeploymentGroups } from '../../store/deployment-groups.js';
import { DeploymentsTable } from '../components/deployment-rows.js';
import { Layout } from '../components/layout.js';
import { chromeOf, type DashboardRoutes } from '../dashboard-env.js';
import { DeploymentFilter, filterQuery, findDeployments } from '../deployment-filter.js';
import { readableBy } from '../read-access.js';

/** The deployments, filterable by application, group and status; rows update live. */
export const deploymentListPages: DashboardRoutes = (ui, context) => {
  const { db } = context;

  ui.get('/deployments', (c) => {
    const filter = DeploymentFilter.parse(c.req.query());
    const principal = c.get('principal');
    const applications = readableBy(principal, listApplications(db), (application) => application.name);
    const groupNames = [...new Set(applications.flatMap((application) => listDeploymentGroups(db, application.id).map((group) => group.name)))].sort();
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title="Deployments" section="deployments" stream={`/ui/deployments/stream${filterQuery(filter)}`}>
        <h1>
          Deployments <span id="live" class="live" aria-live="polite"></span>
        </h1>
        <form class="filters" method="get" action="/ui/deployments" aria-label="Filter deployments">
          <FilterSelect label="Application" name="application" options={applications.map(({ name }) => name)} selected={filter.application} />
          <FilterSelect label="Group" name="group" options={groupNames} selected={filter.group} />
          <FilterSelect label="Status" name="status" options={Object.values(DeploymentStatus)} selected={filter.status} />
          <button type="submit">Filter</button>
        </form>
        <DeploymentsTable deployments={findDeployments(db, filter, principal)} />
      </Layout>,
    );
  });
};

/** One filter: `any`, or one of `options`, the one in force selected. */
const FilterSelect: FC<{ label: string; name: string; options: readonly string[]; selected: string | undefined }> = ({ label, name, options, selected }) => (
  <label>
    {label}
    <select name={name}>
      <option value="">any</option>
      {options.map((option) => (
        <option selected={option === selected}>{option}</option>
      ))}
    </select>
  </label>
);
