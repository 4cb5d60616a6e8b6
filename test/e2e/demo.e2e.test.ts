import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, JobRef } from '../../src/emulator/dataset.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium.js';

/**
 * The /demo page (src/demo/) in headless Chromium: it lists the demo farm's jobs, and "Load more" pages through
 * the sessions of the job with the most sessions (3,000) to the end. The page must show each session exactly
 * once, the server must have sent each exactly once, nothing may leave 127.0.0.1, and the page logs no errors.
 * Picking a job far down the list must show its sessions where the eye is, on a wide screen and a phone.
 */
const LARGE_JOB_SESSIONS = 3000;
const ARTIFACTS = new URL('./artifacts/', import.meta.url);

let stack: TestStack;
let dataset: Dataset;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: LARGE_JOB_SESSIONS } } });
  if (!stack.emulator) throw new Error('no emulator');
  dataset = stack.emulator.dataset;
  browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The job with the most sessions in the whole dataset, with its sessions in Deadline's order. */
function largestJob(): { job: JobRef; sessionIds: string[] } {
  let best: { job: JobRef; sessionIds: string[] } | undefined;
  for (const [key, sessions] of dataset.sessions) {
    const [farmId = '', queueId = '', jobId = ''] = key.split('/');
    if (!best || sessions.length > best.sessionIds.length) {
      best = { job: { farmId, queueId, jobId }, sessionIds: sessions.map((s) => s.sessionId) };
    }
  }
  if (!best) throw new Error('no sessions in the dataset');
  return best;
}

/** The little of the DOM the page functions below use (the tests' tsconfig has no DOM types). */
interface BrowserDocument {
  getElementById(id: string): { hidden: boolean; disabled: boolean } | null;
  querySelector(selector: string): unknown;
}

interface PageWatch {
  requests: string[];
  errors: string[];
  /** Session IDs of every sessions page the server answered, concatenated. */
  servedSessionIds: string[];
  graphqlRequests: number;
}

/** Whether `locator` lies inside the viewport: wholly, or (`vertically`) at least from its top to its bottom. */
async function inViewport(page: Page, locator: Locator, { vertically = false } = {}): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) return false;
  const fitsVertically = box.y >= 0 && box.y + box.height <= viewport.height;
  return vertically ? fitsVertically : fitsVertically && box.x >= 0 && box.x + box.width <= viewport.width;
}

/** The first page (up to 100) of a job's sessions, from the emulator's dataset, in Deadline's order. */
function firstSessionPage(job: JobRef): string[] {
  const sessions = dataset.sessions.get(`${job.farmId}/${job.queueId}/${job.jobId}`) ?? [];
  return sessions.slice(0, 100).map((session) => session.sessionId);
}

function watch(page: Page): PageWatch {
  const watched: PageWatch = { requests: [], errors: [], servedSessionIds: [], graphqlRequests: 0 };
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('pageerror', (error) => watched.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(`console: ${message.text()}`);
  });
  page.on('response', async (response) => {
    if (!response.url().endsWith('/graphql')) return;
    // The job table's searches are demoJobSearch.e2e.test.ts's to count.
    if (response.request().postData()?.includes('DemoJobSearch')) return;
    watched.graphqlRequests++;
    const body = (await response.json()) as {
      data?: { job?: { sessions?: { edges: Array<{ node: { sessionId: string } }> } } | null };
    };
    const edges = body.data?.job?.sessions?.edges;
    if (edges) watched.servedSessionIds.push(...edges.map((edge) => edge.node.sessionId));
  });
  return watched;
}

describe('/demo in headless Chromium', () => {
  it('serves the page, its module and its stylesheet with a same-origin CSP', async () => {
    for (const [path, type] of [
      ['/demo', 'text/html'],
      ['/demo/demo.js', 'javascript'],
      ['/demo/demo.css', 'text/css'],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
      expect(response.headers.get('content-security-policy'), path).toContain("connect-src 'self'");
    }
    // Only those files: the router's own source is not served.
    expect((await fetch(`${stack.url}/demo/index.ts`)).status).toBe(404);
  });

  it(`pages through the largest job's ${LARGE_JOB_SESSIONS} sessions with "Load more", each exactly once`, async () => {
    const { job, sessionIds: expected } = largestJob();
    expect(expected).toHaveLength(LARGE_JOB_SESSIONS);
    expect(dataset.edgeJobs.get(LARGE_JOB_SESSIONS)).toEqual(job);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const watched = watch(page);
    try {
      await page.goto(`${stack.url}/demo`);

      // The jobs list: the first farm's queues and their jobs.
      await page.locator('#jobs-status').filter({ hasText: 'Pick one' }).waitFor();
      const farm = dataset.farms[0];
      expect(await page.locator('#farm-name').textContent()).toBe(farm?.displayName);
      const queues = dataset.queues.get(farm?.farmId ?? '') ?? [];
      const shownQueues = await page
        .locator('#queues [data-queue-id]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-queue-id')));
      expect(shownQueues).toEqual(queues.map((queue) => queue.queueId));
      const comp = dataset.jobs.get(`${job.farmId}/${job.queueId}`) ?? [];
      const shownJobs = await page
        .locator(`[data-queue-id="${job.queueId}"] [data-job-id]`)
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-job-id')));
      expect(shownJobs).toEqual(comp.map((j) => j.jobId));

      // Open the largest job, then "Load more" until the button goes away.
      await page.locator(`#queues [data-job-id="${job.jobId}"]`).click();
      const loadMore = page.locator('#load-more');
      // A page has landed when the button is enabled again (more to load) or hidden (the end). The page disables
      // it synchronously on click, so this never sees the state from before the click.
      const settled = () =>
        page.waitForFunction(() => {
          const { document } = globalThis as unknown as { document: BrowserDocument };
          const button = document.getElementById('load-more');
          return (
            button !== null &&
            (button.hidden || !button.disabled) &&
            document.querySelector('#sessions tr') !== null
          );
        });
      await settled();
      let clicks = 0;
      while (await loadMore.isVisible()) {
        if (++clicks > LARGE_JOB_SESSIONS) throw new Error('"Load more" never goes away');
        await loadMore.click();
        await settled();
      }
      expect(clicks).toBe(Math.ceil(LARGE_JOB_SESSIONS / 100) - 1);
      await expect
        .poll(() => page.locator('#sessions-status').textContent())
        .toBe(`All ${LARGE_JOB_SESSIONS} sessions loaded.`);

      // The DOM: every session of the job once, in Deadline's order.
      const rows = await page
        .locator('#sessions tr')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-session-id')));
      expect(rows).toHaveLength(LARGE_JOB_SESSIONS);
      expect(new Set(rows).size).toBe(LARGE_JOB_SESSIONS);
      expect(rows).toEqual(expected);
      // The wire: the server sent each session once too (the page's own de-duplication hid nothing).
      expect(watched.servedSessionIds).toEqual(expected);
      // One request for the jobs list, one per page of sessions.
      expect(watched.graphqlRequests).toBe(1 + clicks + 1);

      await page.locator('#sessions-heading').scrollIntoViewIfNeeded();
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL('demo.png', ARTIFACTS).pathname });

      // Nothing left the machine, and the page logged no error.
      const external = watched.requests.filter((url) => {
        const { protocol, hostname } = new URL(url);
        return protocol !== 'data:' && hostname !== '127.0.0.1';
      });
      expect(external).toEqual([]);
      expect(watched.requests.length).toBeGreaterThan(0);
      expect(watched.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each([
    [
      'a wide screen (1280×800): the sessions panel beside the list',
      { width: 1280, height: 800 },
      'demo-wide.png',
    ],
    [
      'a phone (390×844): the sessions panel scrolled into view',
      { width: 390, height: 844 },
      'demo-narrow.png',
    ],
  ])(
    'on %s, picking the last job shows its sessions in view, marks it, and shows loading',
    async (_name, viewport, screenshot) => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const watched = watch(page);
      // Hold the first sessions request until the loading state has been seen.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/graphql', async (route) => {
        if (route.request().postData()?.includes('DemoJobSessions')) await held;
        await route.continue();
      });
      try {
        await page.goto(`${stack.url}/demo`);
        await page.locator('#jobs-status').filter({ hasText: 'Pick one' }).waitFor();

        // The last job on the page: the last job of the last queue, the furthest from the top.
        const farmId = dataset.farms[0]?.farmId ?? '';
        const lastQueue = page.locator('#queues [data-queue-id]').last();
        const lastJob = lastQueue.locator('[data-job-id]').last();
        const job: JobRef = {
          farmId,
          queueId: (await lastQueue.getAttribute('data-queue-id')) ?? '',
          jobId: (await lastJob.getAttribute('data-job-id')) ?? '',
        };
        expect(await page.locator('#queues [data-job-id]').count()).toBeGreaterThan(50);
        const expected = firstSessionPage(job);
        expect(expected.length).toBeGreaterThan(0);
        const jobName = dataset.jobs
          .get(`${farmId}/${job.queueId}`)
          ?.find((j) => j.jobId === job.jobId)?.name;

        await lastJob.click();

        // Marked as the picked job, and the only one.
        expect(await lastJob.getAttribute('aria-current')).toBe('true');
        expect(await page.locator('#queues [aria-current="true"]').count()).toBe(1);

        // Loading: the panel is busy, says so, and is in view while the request is held.
        const panel = page.locator('#sessions-section');
        const status = page.locator('#sessions-status');
        expect(await panel.getAttribute('aria-busy')).toBe('true');
        expect(await status.textContent()).toBe(`Loading the sessions of ${jobName}…`);
        await expect.poll(() => inViewport(page, page.locator('#sessions-heading'))).toBe(true);
        expect(await inViewport(page, status)).toBe(true);

        release();
        await expect.poll(() => status.textContent()).toBe(`All ${expected.length} sessions loaded.`);
        expect(await panel.getAttribute('aria-busy')).toBe('false');

        // The sessions shown are that job's, per the emulator's dataset, and the first of them are in view.
        const rows = await page
          .locator('#sessions tr')
          .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-session-id')));
        expect(rows).toEqual(expected);
        expect(watched.servedSessionIds).toEqual(expected);
        expect(await inViewport(page, page.locator('#sessions-heading'))).toBe(true);
        expect(await inViewport(page, page.locator('#sessions tr').first(), { vertically: true })).toBe(true);

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: new URL(screenshot, ARTIFACTS).pathname });

        // On a phone, "Back to the jobs" returns to the picked job; on a wide screen the list never went away.
        const back = page.locator('#back-to-jobs');
        if (viewport.width < 600) {
          await back.click();
          await expect.poll(() => inViewport(page, lastJob)).toBe(true);
          expect(await lastJob.evaluate((node) => node.ownerDocument.activeElement === node)).toBe(true);
        } else {
          expect(await back.isVisible()).toBe(false);
          expect(await inViewport(page, lastJob)).toBe(true);
        }
        expect(watched.errors).toEqual([]);
      } finally {
        release();
        await context.close();
      }
    },
  );
});
