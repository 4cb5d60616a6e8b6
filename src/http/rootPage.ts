/** `GET /`: the page that says what this server is and which paths it serves. */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { LandingPage } from '../config.js';

/** What is mounted next to `/graphql`, as `createGateway` decided it. */
export interface RootPageOptions {
  production: boolean;
  landingPage: LandingPage;
  /** Whether the demo router serves `/demo`. */
  demo: boolean;
  /** Whether `/metrics` is served. */
  metrics: boolean;
}

/** One line of the page: how to call a path, and what it is. */
interface Entry {
  path: string;
  method: 'GET' | 'POST';
  what: string;
}

const TITLE = 'Deadline GraphQL gateway';
const SUMMARY =
  'A GraphQL API over AWS Deadline Cloud: farms, queues, jobs and sessions as Relay connections.';
const CURL_EXAMPLE = `curl -H 'content-type: application/json' -d '{"query":"{ __typename }"}' <this URL>/graphql`;

/**
 * What this server offers, from what is actually mounted. In production the page is for whoever finds the URL:
 * it names only the GraphQL endpoint and the health checks, never the developer tools (/demo) or /metrics,
 * which are for whoever runs the gateway.
 */
function rootPageEntries(options: RootPageOptions): Entry[] {
  const playground =
    options.landingPage === 'graphiql'
      ? 'GraphiQL playground: write and run queries in the browser'
      : options.landingPage === 'sandbox'
        ? "Apollo Sandbox (loaded from Apollo's CDN): write and run queries in the browser"
        : undefined;
  return [
    ...(playground ? [{ path: '/graphql', method: 'GET' as const, what: playground }] : []),
    { path: '/graphql', method: 'POST', what: 'GraphQL operations as JSON (content-type: application/json)' },
    ...(options.demo && !options.production
      ? [{ path: '/demo', method: 'GET' as const, what: "Demo page: a farm's jobs and their sessions" }]
      : []),
    { path: '/healthz', method: 'GET', what: 'Liveness: the process answers HTTP' },
    { path: '/readyz', method: 'GET', what: 'Readiness: Deadline Cloud answers (503 when not)' },
    ...(options.metrics && !options.production
      ? [{ path: '/metrics', method: 'GET' as const, what: 'Prometheus metrics' }]
      : []),
  ];
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'code{font-family:ui-monospace,monospace}li{margin:.25rem 0}';

/** Nothing but this page's own inline style; no script, no other request (the icon is `data:`). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function html(entries: Entry[]): string {
  // Only GET entries are links; a POST-only /graphql is shown as code, since opening it gets an error.
  const items = entries.map((entry) => {
    const target =
      entry.method === 'GET'
        ? `<a href="${entry.path}">${entry.path}</a>`
        : `<code>POST ${entry.path}</code>`;
    return `<li>${target}: ${entry.what}</li>`;
  });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body>
<h1>${TITLE}</h1>
<p>${SUMMARY}</p>
<ul>
${items.join('\n')}
</ul>
<p>From a terminal: <code>${CURL_EXAMPLE.replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</code></p>
</body>
</html>
`;
}

function text(entries: Entry[]): string {
  const lines = entries.map((entry) => `  ${entry.method.padEnd(4)} ${entry.path.padEnd(8)}  ${entry.what}`);
  return `${TITLE}. ${SUMMARY}\n\n${lines.join('\n')}\n\nTry: ${CURL_EXAMPLE}\n`;
}

/**
 * `GET /`: says what this server is and where to go. Browsers get HTML; `Accept: application/json` gets the same
 * entries as JSON; anything else (curl's `*\/*`, no Accept header) gets plain text.
 */
export function rootPage(options: RootPageOptions): RequestHandler {
  const entries = rootPageEntries(options);
  const bodies = {
    html: html(entries),
    text: text(entries),
    json: { name: TITLE, summary: SUMMARY, entries },
  };
  return (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const sendText = () => res.type('text/plain').send(bodies.text);
    // The first type wins when the client ranks them equally (`*/*`): curl gets text, not markup.
    res.format({
      'text/plain': sendText,
      'text/html': () => {
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        res.send(bodies.html);
      },
      'application/json': () => res.json(bodies.json),
      default: sendText,
    });
  };
}
