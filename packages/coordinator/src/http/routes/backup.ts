import { Readable } from 'node:stream';
import { streamBackup } from '../../store/backup.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import type { RouteModule } from '../route-module.js';

/**
 * `GET /backup`: a consistent copy of the running coordinator's database and bundles, as a tar streamed while it
 * is made (`baton backup FILE`; `baton restore` puts it back into a stopped coordinator's data directory).
 */
export const backupRoutes: RouteModule = (api, { db, dataDir, clock }) => {
  api.get('/backup', async (c) => {
    const archive = await streamBackup(db, dataDir);
    const name = `baton-backup-${clock().toISOString().replace(/[:.]/g, '-')}.tar`;
    return c.body(Readable.toWeb(archive) as ReadableStream, 200, {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${name}"`,
    });
  });
};

export const backupRouteDocs: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/backup',
    summary: 'Download a consistent backup (a tar of baton.db and blobs/) of the running coordinator',
    tag: 'operations',
    permission: 'administer',
    produces: 'application/x-tar',
  },
];
