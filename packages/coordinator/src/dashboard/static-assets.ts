import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The dashboard's hand-written script and stylesheet, served as they are. They stay in `src/` (TypeScript does
 * not copy them), so both this module's source and its build, one folder deeper in `src/` or `dist/`, find
 * them at the same place: `<package>/src/dashboard/static/`.
 */
const STATIC_DIR = new URL('../../src/dashboard/static/', import.meta.url);

const CONTENT_TYPES = { 'dashboard.js': 'text/javascript; charset=utf-8', 'dashboard.css': 'text/css; charset=utf-8' } as const;
export type AssetName = keyof typeof CONTENT_TYPES;

export interface StaticAsset {
  readonly body: string;
  readonly contentType: string;
  /** The asset's URL, versioned by its content so browsers may cache it for good. */
  readonly url: string;
}

/** Reads the assets once, when the dashboard is mounted; a missing file is an installation fault. */
export function loadStaticAssets(): ReadonlyMap<AssetName, StaticAsset> {
  const assets = new Map<AssetName, StaticAsset>();
  for (const [name, contentType] of Object.entries(CONTENT_TYPES) as [AssetName, string][]) {
    let body: string;
    try {
      body = readFileSync(new URL(name, STATIC_DIR), 'utf8');
    } catch (error) {
      throw new Error(`the dashboard's ${name} is missing from ${STATIC_DIR.pathname}`, { cause: error });
    }
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    assets.set(name, { body, contentType, url: `/ui/static/${name}?v=${version}` });
  }
  return assets;
}
