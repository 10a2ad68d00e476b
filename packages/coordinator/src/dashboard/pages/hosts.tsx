import { listHosts } from '../../store/hosts.js';
import { HostsTable } from '../components/hosts-table.js';
import { Layout } from '../components/layout.js';
import { chromeOf, type DashboardRoutes } from '../dashboard-env.js';

/** Every enrolled host: online or not, agent version, tags and a CPU sparkline from the reported metrics. */
export const hostPages: DashboardRoutes = (ui, context) => {
  ui.get('/hosts', (c) => {
    const hosts = listHosts(context.db);
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title="Hosts" section="hosts">
        <h1>Hosts</h1>
        <p>
          {hosts.filter((host) => host.online).length} of {hosts.length} online.
        </p>
        <HostsTable hosts={hosts} samplesOf={(hostId) => context.metrics.samples(hostId)} />
      </Layout>,
    );
  });
};
