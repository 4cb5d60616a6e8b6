import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import express, { type Router } from 'express';

/**
 * The offline playground: GraphiQL from `@graphql-yoga/graphiql`'s self-contained UMD bundle (React, GraphiQL and
 * Monaco in one file, no CDN URLs), served from node_modules by the gateway itself. The HTML page is ours; the
 * bundle, its stylesheet and Monaco's three web workers are served as they are installed, never copied.
 */

/** Where the assets are served (outside `/graphql`, so they skip the GraphQL middleware). */
export const PLAYGROUND_ASSETS_PATH = '/playground/assets';

const packageDir = dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json'));

/** The only files served: public name → path inside the package. */
const ASSETS: Record<string, string> = {
  'yoga-graphiql.umd.js': 'dist/yoga-graphiql.umd.js',
  'graphiql.css': 'dist/graphiql.css',
  'editor.worker.js': 'dist/monacoeditorwork/editor.worker.bundle.js',
  'json.worker.js': 'dist/monacoeditorwork/json.worker.bundle.js',
  // The package's file name really has two dots.
  'graphql.worker.js': 'dist/monacoeditorwork/graphql.worker..bundle.js',
};

/**
 * The document the playground opens with: an overview (Farm → Queue → Job → Session, with each job's session
 * page info) and the next page of one job's sessions, fed from the overview through the variables.
 */
export const EXAMPLE_QUERY = `# Deadline Cloud as one graph: Farm → Queue → Job →
# Session (plus fleets and workers). Every list is a
# Relay connection: ask for \`first\` items, then pass
# the \`pageInfo.endCursor\` you got as \`after\` for
# the next page.
#
# 1. Run FarmOverview: Ctrl-Enter with the cursor in it
#    (or ▶ and pick it).
# 2. Take a job whose sessions have hasNextPage: true.
#    Copy its farmId, queueId, jobId and the sessions'
#    endCursor into Variables (below) and run
#    NextSessions. Its own endCursor gives the page after.
#
# The Docs (book icon, left) describe every type and field.
query FarmOverview {
  farms(first: 1) {
    nodes {
      farmId
      displayName
      queues(first: 1) {
        nodes {
          queueId
          displayName
          jobs(first: 3) {
            nodes {
              jobId
              name
              lifecycleStatus
              taskRunStatus
              sessions(first: 5) {
                pageInfo {
                  hasNextPage
                  endCursor
                }
                nodes {
                  sessionId
                  lifecycleStatus
                  startedAt
                  endedAt
                  worker {
                    hostName
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

query NextSessions(
  $farmId: ID!
  $queueId: ID!
  $jobId: ID!
  $after: String
) {
  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
    name
    sessions(first: 5, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        sessionId
        lifecycleStatus
        startedAt
        endedAt
        worker {
          hostName
        }
      }
    }
  }
}
`;

export const EXAMPLE_VARIABLES = `{
  "farmId": "farm-…",
  "queueId": "queue-…",
  "jobId": "job-…",
  "after": null
}
`;

/**
 * Headers shown in GraphiQL's Headers tab and sent with its operations. GraphiQL posts JSON (a non-simple
 * content-type, which is enough for Apollo's CSRF prevention); this header makes that explicit and keeps working
 * if someone switches GraphiQL to GET. Add `authorization` here when JWT authentication is on.
 */
export const PRESET_HEADERS = { 'apollo-require-preflight': 'true' };

/** Express router serving the playground's assets from the installed package. */
export function playgroundAssets(): Router {
  const router = express.Router();
  router.get('/:file', (req, res, next) => {
    const file = Object.hasOwn(ASSETS, req.params.file) ? ASSETS[req.params.file] : undefined;
    if (!file) return next();
    // The package version is pinned; a day of caching spares reloading 8 MB on every visit.
    res.sendFile(join(packageDir, file), { maxAge: '1d', dotfiles: 'deny' }, (error) => {
      if (error) next(error);
    });
  });
  return router;
}

/** Apollo landing-page plugin: `GET /graphql` with `Accept: text/html` answers the GraphiQL page. */
export function graphiqlLandingPage(
  options: { assetsPath?: string; title?: string } = {},
): ApolloServerPlugin {
  const html = graphiqlHtml(
    options.assetsPath ?? PLAYGROUND_ASSETS_PATH,
    options.title ?? 'Deadline GraphQL',
  );
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

/** JSON that is safe inside an inline <script>: no `</script>`, no `<!--`, no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function graphiqlHtml(assetsPath: string, title: string): string {
  const asset = (name: string) => `${assetsPath}/${name}`;
  const workers = {
    editorWorkerService: asset('editor.worker.js'),
    json: asset('json.worker.js'),
    graphql: asset('graphql.worker.js'),
  };
  const options = {
    // Yoga's GraphiQL takes `query` as the editor's initial text (its `defaultQuery` loses to the welcome text).
    query: EXAMPLE_QUERY,
    variables: EXAMPLE_VARIABLES,
    headers: JSON.stringify(PRESET_HEADERS, null, 2),
    // Sent with every request, the schema introspection included.
    additionalHeaders: PRESET_HEADERS,
    title: escapeHtml(title),
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${escapeHtml(title)} · GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${asset('graphiql.css')}" />
    <style>
      html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }
    </style>
  </head>
  <body>
    <div id="graphiql"><noscript>GraphiQL needs JavaScript.</noscript></div>
    <script>
      // Monaco's web workers, served by the gateway (same origin, so no Blob URLs needed).
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
    </script>
    <script src="${asset('yoga-graphiql.umd.js')}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.getElementById('graphiql'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}
