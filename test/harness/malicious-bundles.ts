/**
 * Hostile bundles for end-to-end refusals. The tar header is written by hand: the `tar` package itself
 * refuses to create entries with `..`, which is exactly what an attacker's tool would not do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A tgz whose second entry climbs out of the extraction directory. */
export function writeTarSlipBundle(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const archive = Buffer.concat([
    tarEntry('appspec.yml', 'version: 0.0\nos: linux\n'),
    tarEntry('../../../evil.txt', 'pwned\n'),
    Buffer.alloc(1024),
  ]);
  const path = join(dir, 'evil.tgz');
  writeFileSync(path, gzipSync(archive));
  return path;
}

function tarEntry(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded]);
}
