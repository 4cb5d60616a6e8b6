import { fileURLToPath } from 'node:url';
import express from 'express';

/**
 * The static demo page (issue 6): `GET /demo` serves index.html, which loads demo.js and demo.css from `/demo/`.
 * The files are plain HTML, CSS and one ES module, served as they are from this folder (no build step). Only
 * these three files are served; nothing else in the folder is reachable.
 *
 * Mount it on the gateway's Express app: `app.use(demoRouter())`.
 */
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));

const FILES: Record<string, string> = {
  '/demo': 'index.html',
  '/demo/': 'index.html',
  '/demo/demo.js': 'demo.js',
  '/demo/demo.css': 'demo.css',
};

/**
 * Same-origin only: the page may load its own files and talk to this gateway's /graphql, nothing else (no CDN,
 * no fonts, no analytics); `data:` only for the empty favicon.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function demoRouter(): express.Router {
  const router = express.Router({ strict: true });
  for (const [path, file] of Object.entries(FILES)) {
    router.get(path, (_req, res, next) => {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(file, { root: DEMO_DIR }, (error) => {
        if (error) next(error);
      });
    });
  }
  return router;
}
