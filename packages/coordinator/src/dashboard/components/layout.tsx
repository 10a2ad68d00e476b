import type { Child, FC } from 'hono/jsx';
import type { Principal } from '../../access/policy.js';

export type Section = 'applications' | 'hosts' | 'deployments';

export interface PageChrome {
  /** URLs of the stylesheet and script (content-versioned). */
  readonly cssUrl: string;
  readonly jsUrl: string;
  /** The signed-in user and their CSRF token; absent on the sign-in page. */
  readonly principal?: Principal;
  readonly csrfToken?: string;
}

interface LayoutProps {
  readonly chrome: PageChrome;
  readonly title: string;
  readonly section?: Section;
  /** The page's live-update stream (server-sent events); the script applies what it sends. */
  readonly stream?: string;
  readonly children?: Child;
}

const SECTIONS: readonly { section: Section; label: string }[] = [
  { section: 'applications', label: 'Applications' },
  { section: 'hosts', label: 'Hosts' },
  { section: 'deployments', label: 'Deployments' },
];

/** The page around every dashboard view: head, navigation, who is signed in, and the main content. */
export const Layout: FC<LayoutProps> = ({ chrome, title, section, stream, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Baton`}</title>
      <link rel="stylesheet" href={chrome.cssUrl} />
      <script src={chrome.jsUrl} defer></script>
    </head>
    <body data-stream={stream}>
      <header>
        <nav aria-label="Main">
          <a class="brand" href="/ui">
            Baton
          </a>
          {chrome.principal && (
            <ul>
              {SECTIONS.map((item) => (
                <li>
                  <a href={`/ui/${item.section}`} aria-current={item.section === section ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {chrome.principal && (
            <form method="post" action="/ui/sign-out">
              <span class="who">
                {chrome.principal.name} ({chrome.principal.role})
              </span>
              <input type="hidden" name="_csrf" value={chrome.csrfToken} />
              <button type="submit">Sign out</button>
            </form>
          )}
        </nav>
      </header>
      <main id="main">{children}</main>
    </body>
  </html>
);

/** A status as a coloured badge; the text itself carries the meaning, the colour only repeats it. */
export const StatusBadge: FC<{ status: string }> = ({ status }) => <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
