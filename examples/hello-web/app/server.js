// hello-web: the smallest useful web application. PORT comes from the agent's per-host --env.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const port = Number(process.env.PORT ?? 8080);
const version = readFileSync(new URL('./VERSION', import.meta.url), 'utf8').trim();
const host = process.env.BATON_DEMO_HOST ?? 'this host';

createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain' }).end(`Hello from ${host}: hello-web ${version}\n`);
}).listen(port, '127.0.0.1', () => console.log(`hello-web ${version} listening on ${port}`));
