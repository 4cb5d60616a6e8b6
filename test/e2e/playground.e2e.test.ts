import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium.js';

/**
 * The offline playground in a real browser: headless Debian chromium (`.ci/install-e2e-deps`) opens GraphiQL at
 * `/graphql`, types an operation, runs it, reads the result pane, follows `endCursor` to a second page. Every
 * request must stay on 127.0.0.1 and the page must log no error.
 */

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Farm → Queue → three jobs, each with its first sessions and their page info (the demo farm's third job has 99). */
const OVERVIEW = `query Overview { farms(first: 1) { nodes { farmId displayName queues(first: 1) { nodes { queueId displayName jobs(first: 3) { nodes { jobId name sessions(first: 5) { pageInfo { hasNextPage endCursor } nodes { sessionId } } } } } } } } }`;
/** The next page of one job's sessions, from the overview's cursor (passed in the Variables pane). */
const NEXT_PAGE = `query NextPage($farmId: ID!, $queueId: ID!, $jobId: ID!, $after: String) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { name sessions(first: 5, after: $after) { pageInfo { hasNextPage endCursor } nodes { sessionId } } } }`;

interface SessionPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ sessionId: string }>;
}
interface OverviewResult {
  data: {
    farms: {
      nodes: Array<{
        farmId: string;
        displayName: string;
        queues: {
          nodes: Array<{
            queueId: string;
            displayName: string;
            jobs: { nodes: Array<{ jobId: string; name: string; sessions: SessionPage }> };
          }>;
        };
      }>;
    };
  };
}
interface NextPageResult {
  data: { job: { name: string; sessions: SessionPage } };
}

describe('GraphiQL playground (offline, headless chromium)', () => {
  let stack: TestStack;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  /** Requests to any host but the loopback one. */
  const offsite: string[] = [];
  /** Uncaught exceptions, console errors, failed requests and HTTP errors, in order. */
  const problems: string[] = [];
  /** Request headers of the operations GraphiQL posted to /graphql. */
  const operationHeaders: Array<Record<string, string>> = [];

  beforeAll(async () => {
    stack = await startTestStack({ gateway: { landingPage: 'graphiql' } });
    // A fresh profile per run: GraphiQL keeps tabs, queries and headers in localStorage.
    userDataDir = await mkdtemp(join(tmpdir(), 'playground-e2e-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      args: CHROMIUM_ARGS,
      // Monaco renders only the lines in view: tall enough for the whole example document.
      viewport: { width: 1440, height: 2000 },
    });
    // Context-level: also sees the Monaco web workers' requests.
    context.on('request', (request) => {
      if (!isLocal(request.url())) offsite.push(`${request.method()} ${request.url()}`);
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') {
        operationHeaders.push(request.headers());
      }
    });
    context.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    context.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    // The test reads the result pane through the clipboard (select all, copy), as a user would.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('worker', (worker) =>
      worker.on('console', (message) => {
        if (message.type() === 'error') problems.push(`worker console error: ${message.text()}`);
      }),
    );
  });

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('opens at /graphql, runs a query, pages with endCursor, all from 127.0.0.1, without errors', async () => {
    const response = await page.goto(`${stack.url}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    // The page opens with the gateway's example document and variables, not GraphiQL's welcome text.
    const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
    await queryEditor.waitFor({ state: 'visible', timeout: 60_000 });
    await expect
      .poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 30_000 })
      .toContain('query FarmOverview {');
    expect(await editorText(page, '.graphiql-query-editor')).toContain('query NextSessions(');
    expect(await editorText(page, '.graphiql-query-editor')).not.toContain('Welcome to');
    await expect
      .poll(() => editorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)'), {
        timeout: 30_000,
      })
      .toContain('"after": null');

    // Page 1: type an operation, run it, read it back from the result pane.
    await typeInto(page, '.graphiql-query-editor', OVERVIEW);
    expect(await editorText(page, '.graphiql-query-editor')).toBe(OVERVIEW);
    await page.locator('.graphiql-execute-button').click();
    const overview = await readResult<OverviewResult>(page, '"farms"');
    const farm = overview.data.farms.nodes[0];
    expect(farm?.displayName).toBe('Main Studio Farm');
    const queue = farm?.queues.nodes[0];
    expect(queue?.displayName).toBe('comp');
    const job = queue?.jobs.nodes.find((candidate) => candidate.sessions.pageInfo.hasNextPage);
    if (!farm || !queue || !job) throw new Error('The demo farm has no job with a second page of sessions.');
    expect(job.sessions.nodes).toHaveLength(5);
    const cursor = job.sessions.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));

    // Page 2: the next-page operation, with the job and its endCursor in the Variables pane.
    await typeInto(page, '.graphiql-query-editor', NEXT_PAGE);
    await page.locator('.graphiql-editor-tools button', { hasText: 'Variables' }).click();
    const variables = JSON.stringify({
      farmId: farm.farmId,
      queueId: queue.queueId,
      jobId: job.jobId,
      after: cursor,
    });
    await typeInto(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', variables);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)'))).toEqual(
      JSON.parse(variables),
    );
    await page.locator('.graphiql-execute-button').click();
    const next = await readResult<NextPageResult>(page, '"job"');
    expect(next.data.job.name).toBe(job.name);
    const firstPage = job.sessions.nodes.map((session) => session.sessionId);
    const secondPage = next.data.job.sessions.nodes.map((session) => session.sessionId);
    expect(secondPage).toHaveLength(5);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(next.data.job.sessions.pageInfo.endCursor).not.toBe(cursor);

    // The same pages straight from the gateway: the browser showed real data, in order.
    const direct = await stack.query<NextPageResult['data']>(NEXT_PAGE, {
      farmId: farm.farmId,
      queueId: queue.queueId,
      jobId: job.jobId,
      after: cursor,
    });
    expect(direct.data?.job.sessions.nodes.map((session) => session.sessionId)).toEqual(secondPage);

    // GraphiQL's operations carried the preset CSRF header and a JSON content-type.
    expect(operationHeaders.length).toBeGreaterThanOrEqual(3); // introspection + the two runs
    for (const headers of operationHeaders) {
      expect(headers['apollo-require-preflight']).toBe('true');
      expect(headers['content-type']).toMatch(/^application\/json/);
    }

    // A readable screenshot: the operation prettified, no selection, a laptop-sized window.
    await page.locator('.graphiql-toolbar button[aria-label^="Prettify"]').click();
    await expect
      .poll(async () => (await editorText(page, '.graphiql-query-editor')).split('\n').length)
      .toBeGreaterThan(10);
    // Drop the result's select-all, and scroll every editor back to its start.
    for (const editor of [
      '.graphiql-response',
      '.graphiql-editor-tool .graphiql-editor:not(.hidden)',
      '.graphiql-query-editor',
    ]) {
      await page.locator(`${editor} .monaco-editor`).click();
      await page.keyboard.press('Control+Home');
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png') });

    expect(offsite).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** True for URLs that stay on this machine: http(s)/ws(s) to loopback, data:, and blob: URLs of a loopback page. */
function isLocal(url: string): boolean {
  if (url.startsWith('data:')) return true;
  const target = url.startsWith('blob:') ? url.slice('blob:'.length) : url;
  try {
    const parsed = new URL(target);
    return ['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol) && LOCAL_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * The text of the Monaco editor inside `container`, from its rendered lines in order (Monaco renders only the
 * lines in view, hence the tall viewport; wrapped lines are joined back; spaces render as U+00A0).
 */
async function editorText(page: Page, container: string): Promise<string> {
  const lines = await page
    .locator(`${container} .monaco-editor .view-lines .view-line`)
    .evaluateAll((elements) =>
      elements.map((element) => ({
        top: Number.parseFloat((element as unknown as { style: { top: string } }).style.top) || 0,
        text: element.textContent ?? '',
      })),
    );
  return lines
    .sort((a, b) => a.top - b.top)
    .map((line) => line.text)
    .join('\n')
    .replace(/\u00a0/g, ' ');
}

/**
 * Replaces the content of the Monaco editor inside `container`: select all, delete, insert the text in one
 * input event, then drop what Monaco's bracket auto-closing appended after it.
 */
async function typeInto(page: Page, container: string, text: string): Promise<void> {
  const editor = page.locator(`${container} .monaco-editor`).first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
  await expect.poll(() => editorText(page, container), { timeout: 10_000 }).toBe(text);
}

/**
 * Waits until the result pane holds a response containing `marker`, then reads the whole response the way a user
 * would take it: select all in the result editor and copy. (Monaco renders only the lines in view, and wraps long
 * lines with indentation, so its DOM is not the text.)
 */
async function readResult<T>(page: Page, marker: string): Promise<T> {
  await expect
    .poll(() => editorText(page, '.graphiql-response'), {
      timeout: 30_000,
      message: `the result pane shows a response with ${marker}`,
    })
    .toContain(marker);
  let copied = '';
  let parsed: T | undefined;
  await expect
    .poll(
      async () => {
        await page.locator('.graphiql-response .monaco-editor').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Control+C');
        // A string, so the page's `navigator` needs no DOM types here.
        copied = await page.evaluate<string>('navigator.clipboard.readText()');
        try {
          parsed = JSON.parse(copied) as T;
          return copied.includes(marker);
        } catch {
          return false;
        }
      },
      { timeout: 30_000, interval: 250, message: `the copied result is JSON with ${marker}` },
    )
    .toBe(true)
    .catch((error: unknown) => {
      throw new Error(`${String(error)}\nCopied from the result pane:\n${copied}`);
    });
  return parsed as T;
}

/** The status of a GET, its body read (an unread body would hold the connection open through the drain). */
async function status(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

describe('LANDING_PAGE modes over HTTP', () => {
  const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  it('graphiql: the page for text/html, its assets from node_modules, CSRF prevention for everything else', async () => {
    const stack = await startTestStack({ gateway: { landingPage: 'graphiql' } });
    try {
      const page = await fetch(`${stack.url}/graphql`, { headers: html });
      expect(page.status).toBe(200);
      const body = await page.text();
      expect(body).toContain('/playground/assets/yoga-graphiql.umd.js');
      expect(body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);
      const script = await fetch(`${stack.url}/playground/assets/yoga-graphiql.umd.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await script.text()).length).toBeGreaterThan(1_000_000);
      // Only the five files the page uses are served.
      expect(await status(`${stack.url}/playground/assets/yoga-graphiql.es.js`)).toBe(404);
      expect(await status(`${stack.url}/playground/assets/..%2Fpackage.json`)).toBe(404);
      // A GET that does not ask for HTML is an operation request, and a simple one is refused as possible CSRF.
      const json = await fetch(`${stack.url}/graphql?query=%7B__typename%7D`, {
        headers: { accept: 'application/json' },
      });
      expect(json.status).toBe(400);
      expect(await json.text()).toContain('Cross-Site Request Forgery');
    } finally {
      await stack.close();
    }
  });

  it('sandbox: Apollo Sandbox; off: no page and no assets', async () => {
    const sandbox = await startTestStack({ gateway: { landingPage: 'sandbox' } });
    try {
      const page = await fetch(`${sandbox.url}/graphql`, { headers: html });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('embeddable-sandbox');
      expect(await status(`${sandbox.url}/playground/assets/graphiql.css`)).toBe(404);
    } finally {
      await sandbox.close();
    }
    for (const options of [{ landingPage: 'off' as const }, { production: true }]) {
      const stack = await startTestStack({ gateway: options });
      try {
        const page = await fetch(`${stack.url}/graphql`, { headers: html });
        expect(page.status).toBe(400);
        expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
        await page.body?.cancel();
        expect(await status(`${stack.url}/playground/assets/graphiql.css`)).toBe(404);
      } finally {
        await stack.close();
      }
    }
  });
});
