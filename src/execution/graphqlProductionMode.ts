import { createRequire } from 'node:module';

/**
 * graphql-js 16 picks its `instanceOf` once, when `graphql/jsutils/instanceOf` is first loaded: unless NODE_ENV is
 * `production` then, every `isObjectType`/`isListType`/… that answers false goes on to compare class names (to
 * report two copies of graphql in one process), and execution calls them for every field of every object: about a
 * third of the GraphQL layer's CPU time in the profile of a 100-session page.
 *
 * This module (imported first by src/server.ts, before anything loads graphql) loads that one module with NODE_ENV
 * set to `production` and puts NODE_ENV back at once, so nothing else in the process (Express, the logger, a
 * caller's code) sees a different environment. The only change is that check: one copy of graphql is installed
 * (package-lock.json), and every import of it (ESM or CommonJS) resolves to the same CommonJS build, so it cannot
 * fire. If graphql was already loaded (a test that imports it first), this changes nothing.
 */
const require = createRequire(import.meta.url);
const previous = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';
try {
  require('graphql/jsutils/instanceOf.js');
} finally {
  if (previous === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = previous;
}
