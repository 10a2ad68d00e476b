import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { readHookOutput } from '../logs/hook-output-store.js';
import type { DeploymentChange } from '../runner/deployment-feed.js';
import { getDeployment } from '../store/deployments.js';
import { readDeployment } from '../store/deployment-read-model.js';
import { DEPLOYMENT_ROWS_ID, DeploymentRows } from './components/deployment-rows.js';
import { EventCell, eventCellId, HostStatusCell, hostStatusId, Timeline } from './components/timeline.js';
import type { DashboardRoutes } from './dashboard-env.js';
import { DeploymentFilter, findDeployments } from './deployment-filter.js';
import { LiveChannel } from './live-channel.js';
import { LOG_BACKLOG_LINES, renderSummary, requireDeployment } from './pages/deployment.js';

/** A hook output line id; anything else reads as 0 (from the start). */
const LineCursor = z.coerce.number().int().nonnegative().catch(0);

/**
 * The pages' live updates as server-sent events, fed by the runner's deployment feed (published after every
 * commit) and the hooks' output. Each message carries server-rendered fragments that the page's script puts in
 * place, so the browser never re-implements how anything looks.
 */
export const liveStreams: DashboardRoutes = (ui, { db, runner, hookOutput, logger }) => {
  const onError = (error: unknown) => logger.warn({ err: error }, 'dashboard live update failed');

  /** The deployments list: its rows again whenever a deployment or host status changes. */
  ui.get('/deployments/stream', (c) => {
    const filter = DeploymentFilter.parse(c.req.query());
    const principal = c.get('principal');
    return streamSSE(c, async (stream) => {
      const channel = new LiveChannel(stream, onError);
      const rows = () => <DeploymentRows deployments={findDeployments(db, filter, principal)} />;
      const unsubscribe = runner.feed.subscribe((change) => {
        if (change.type === 'deployment' || change.type === 'instance') channel.patch(DEPLOYMENT_ROWS_ID, rows);
      });
      // The page was rendered before this stream opened: what changed in between reaches it with this first patch.
      channel.patch(DEPLOYMENT_ROWS_ID, rows);
      await channel.closed();
      unsubscribe();
      channel.close();
    });
  });

  /**
   * One deployment: each event and host cell as it changes, the summary (status, progress, actions, rollback
   * links) after any change in the deployment's group (its rollback is another deployment of the group), the
   * whole timeline when the deployment's status changes (a queued deployment gets its hosts when it starts),
   * and the hooks' output lines.
   */
  ui.get('/deployments/:id/stream', (c) => {
    const principal = c.get('principal');
    const { csrfToken } = c.get('session');
    const { deploymentId } = requireDeployment(db, c.req.param('id'), principal);
    // The page showed the output up to `after`; a reconnecting browser says where it got to.
    const afterLine = Math.max(LineCursor.parse(c.req.query('after')), LineCursor.parse(c.req.header('last-event-id')));
    const groupId = getDeployment(db, deploymentId)!.groupId;
    const summary = () => {
      const deployment = readDeployment(db, deploymentId);
      return deployment ? renderSummary(db, deployment, principal, csrfToken) : '';
    };
    const timeline = () => <Timeline instances={readDeployment(db, deploymentId)?.instances ?? []} />;
    return streamSSE(c, async (stream) => {
      const channel = new LiveChannel(stream, onError);
      const apply = (change: DeploymentChange): void => {
        if (change.groupId !== groupId) return;
        channel.patch('summary', summary);
        if (change.deploymentId !== deploymentId) return;
        switch (change.type) {
          case 'lifecycle-event':
            channel.patch(eventCellId(change.hostId, change.event), () => (
              <EventCell hostId={change.hostId} event={change.event} status={change.status} startTime={change.startTime} endTime={change.endTime} diagnostics={change.diagnostics} />
            ));
            break;
          case 'instance':
            channel.patch(hostStatusId(change.hostId), () => <HostStatusCell hostId={change.hostId} status={change.status} />);
            break;
          case 'deployment':
            channel.patch('timeline', timeline);
            break;
          case 'batch':
            break;
        }
      };
      const unsubscribeFeed = runner.feed.subscribe(apply);
      // The page was rendered before this stream opened (seconds before, on a busy machine): what changed in between
      // reaches it with this first patch of everything the feed patches; later changes come through the feed.
      channel.patch('summary', summary);
      channel.patch('timeline', timeline);
      // Subscribed before the backlog is read, in the same turn: every line is in one of the two, none in both.
      const unsubscribeOutput = hookOutput.subscribe(deploymentId, (line) => channel.log(line));
      for (const line of readHookOutput(db, deploymentId, {}, afterLine, LOG_BACKLOG_LINES)) channel.log(line);
      await channel.closed();
      unsubscribeFeed();
      unsubscribeOutput();
      channel.close();
    });
  });
};
