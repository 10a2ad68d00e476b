import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/**
 * Test support: a real Git server on loopback, `git http-backend` (smart HTTP) run as a CGI by a small node:http
 * server, serving bare repositories under a temp dir as `<baseUrl>/<owner>/<repo>.git`. With `token`, every request
 * must carry HTTP basic auth whose password is that token (as GitHub and Bitbucket take a token).
 */
export interface TestGitServer {
  readonly baseUrl: string;
  /** Creates `<owner>/<repo>.git` with one commit of `files` on `main`; answers the commit id. */
  createRepo(path: string, files: Record<string, string>, options?: { tag?: string }): Promise<string>;
  /** Adds a commit of `files` on `main`; answers its id. */
  commit(path: string, files: Record<string, string>): Promise<string>;
  /** Requests seen, with the user name they authenticated as (the password is never kept). */
  readonly requests: { path: string; user: string | undefined }[];
  close(): Promise<void>;
}

export async function startTestGitServer(options: { token?: string } = {}): Promise<TestGitServer> {
  const root = mkdtempSync(join(tmpdir(), 'baton-git-'));
  const requests: TestGitServer['requests'] = [];
  const server = createServer((request, response) => {
    const credentials = basicAuth(request);
    requests.push({ path: request.url ?? '', user: credentials?.user });
    if (options.token !== undefined && credentials?.password !== options.token) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    serveCgi(root, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const git = (cwd: string, args: string[]) =>
    execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd });

  const commitFiles = async (path: string, files: Record<string, string>, tag?: string): Promise<string> => {
    const work = mkdtempSync(join(tmpdir(), 'baton-git-work-'));
    try {
      const bare = join(root, path);
      await git(work, ['clone', '--quiet', bare, '.']);
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, name)), { recursive: true });
        writeFileSync(join(work, name), content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
      }
      await git(work, ['add', '-A']);
      await git(work, ['commit', '--quiet', '-m', 'change']);
      if (tag) await git(work, ['tag', '-a', tag, '-m', tag]);
      await git(work, ['push', '--quiet', '--follow-tags', 'origin', 'HEAD:main']);
      return (await git(work, ['rev-parse', 'HEAD'])).stdout.trim();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  return {
    baseUrl,
    requests,
    async createRepo(path, files, repoOptions = {}) {
      mkdirSync(join(root, path), { recursive: true });
      await git(root, ['init', '--quiet', '--bare', path]);
      return commitFiles(path, files, repoOptions.tag);
    },
    commit: (path, files) => commitFiles(path, files),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function basicAuth(request: IncomingMessage): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString();
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Runs `git http-backend` for one request: CGI variables in, `Status:` and headers, a blank line, the body out. */
function serveCgi(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  request.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else response.setHeader(name, value);
    }
    response.writeHead(status);
    headersSent = true;
    response.write(head.subarray(end + 4));
  });
  backend.on('close', () => {
    if (!headersSent) response.writeHead(500);
    response.end();
  });
}
