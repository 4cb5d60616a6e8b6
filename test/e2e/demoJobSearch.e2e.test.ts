import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, JobRecord } from '../../src/emulator/dataset.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium.js';

/**
 * The /demo job table (src/demo/demo.js, `Farm.jobSearch` with `totalCount` and `pageCursors`) in headless Chromium:
 * its rows, count and page buttons checked against the emulator's dataset, filtered and sorted here (newest first,
 * ties by job ID, as test/integration/jobSearch.test.ts reads the documented order), while the status filter, the
 * sort and the page buttons change the page. Nothing may leave 127.0.0.1, and the page logs no errors.
 */
const PAGE_SIZE = 10;
const ARTIFACTS = new URL('./artifacts/', import.meta.url);

let stack: TestStack;
let dataset: Dataset;
let browser: Browser;
let jobs: JobRecord[];

beforeAll(async () => {
  // The default demo farm, with small edge jobs (their sessions and tasks play no part here).
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 10, largeStepTasks: 10 } } });
  if (!stack.emulator) throw new Error('no emulator');
  dataset = stack.emulator.dataset;
  const farmId = dataset.farms[0]?.farmId ?? '';
  // The page searches the farm's first 10 queues.
  const queueIds = (dataset.queues.get(farmId) ?? []).slice(0, 10).map((queue) => queue.queueId);
  jobs = queueIds.flatMap((queueId) => dataset.jobs.get(`${farmId}/${queueId}`) ?? []);
  browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const byJobId = (a: JobRecord, b: JobRecord) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
const newestFirst = (list: JobRecord[]) =>
  [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || byJobId(a, b));
const byName = (list: JobRecord[]) =>
  [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byJobId(a, b)));

/** Page `p` (from 1) of a sorted list, as the table's job IDs. */
const pageOf = (list: JobRecord[], p: number) =>
  list.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE).map((job) => job.jobId);

interface Table {
  rows: Array<{ jobId: string | null; cells: string[] }>;
  count: string;
  pages: string[];
  current: string[];
}

async function table(page: Page): Promise<Table> {
  return {
    rows: await page.locator('#search-rows tr').evaluateAll((rows) =>
      rows.map((row) => ({
        jobId: row.getAttribute('data-job-id'),
        // The tests' tsconfig has no DOM types: a row's cells, as little as is read of them.
        cells: Array.from(
          (row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells,
          (cell) => cell.textContent ?? '',
        ),
      })),
    ),
    count: (await page.locator('#search-count').textContent()) ?? '',
    pages: await page.locator('#search-page-numbers button').allTextContents(),
    current: await page.locator('#search-page-numbers button[aria-current="page"]').allTextContents(),
  };
}

/** Waits until the table shows `jobIds` (and, when given, `count` jobs found) and is no longer busy. */
async function shows(page: Page, jobIds: string[], count?: number) {
  await expect
    .poll(async () => {
      const { rows, count: text } = await table(page);
      const busy = await page.locator('#job-search').getAttribute('aria-busy');
      return { ids: rows.map((row) => row.jobId), text: count === undefined ? null : text, busy };
    })
    .toEqual({ ids: jobIds, text: count === undefined ? null : `${count} jobs`, busy: 'false' });
}

describe('/demo job table in headless Chromium', () => {
  it('filters, sorts and pages by numbered buttons, Next and Previous, rows per the dataset', async () => {
    const all = newestFirst(jobs);
    const pages = Math.ceil(all.length / PAGE_SIZE);
    expect(pages, 'enough jobs for the layout with a gap').toBeGreaterThanOrEqual(6);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    try {
      await page.goto(`${stack.url}/demo`);

      // Page 1, newest first: the first 10 jobs, every column, "N jobs", pages 1–4 … last.
      await shows(page, pageOf(all, 1), all.length);
      const first = await table(page);
      const queueNames = new Map(
        (dataset.queues.get(dataset.farms[0]?.farmId ?? '') ?? []).map((q) => [q.queueId, q.displayName]),
      );
      // Cell 0 is the row's selection box (no text).
      for (const [index, row] of first.rows.entries()) {
        const job = all[index] as JobRecord & { queueId?: string };
        expect(row.cells[0]).toBe('');
        expect(row.cells[1]).toBe(job.name);
        expect(row.cells[3]).toBe(job.taskRunStatus ?? job.lifecycleStatus);
        expect(row.cells[4]).toBe(String(job.priority));
        expect(row.cells[6]).toBe(job.createdBy);
        expect([...queueNames.values()]).toContain(row.cells[2]);
      }
      expect(first.pages).toEqual(['1', '2', '3', '4', String(pages)]);
      expect(first.current).toEqual(['1']);
      expect(await page.locator('#search-previous').isDisabled()).toBe(true);

      // The status filter: failed or canceled jobs only, their count and first page.
      await page.locator('#search-status-filter').selectOption({ label: 'Failed or canceled' });
      const failed = all.filter((job) => job.taskRunStatus === 'FAILED' || job.taskRunStatus === 'CANCELED');
      expect(failed.length).toBeGreaterThan(0);
      await shows(page, pageOf(failed, 1), failed.length);
      for (const row of (await table(page)).rows) expect(['FAILED', 'CANCELED']).toContain(row.cells[3]);
      // One status.
      await page.locator('#search-status-filter').selectOption('SUCCEEDED');
      const succeeded = all.filter((job) => job.taskRunStatus === 'SUCCEEDED');
      await shows(page, pageOf(succeeded, 1), succeeded.length);
      // Any status again: page 1 of everything.
      await page.locator('#search-status-filter').selectOption('');
      await shows(page, pageOf(all, 1), all.length);

      // Forward by number: page 3, then page 4 (the middle layout: 1 … 3 4 5 … last).
      const button = (n: number) => page.locator(`#search-page-numbers button[data-page="${n}"]`);
      await button(3).click();
      await shows(page, pageOf(all, 3));
      await button(4).click();
      await shows(page, pageOf(all, 4));
      expect((await table(page)).pages).toEqual(['1', '3', '4', '5', String(pages)]);
      expect((await table(page)).current).toEqual(['4']);
      expect(await button(4).getAttribute('aria-current')).toBe('page');
      // The keyboard focus stays on the page buttons: on the new current page.
      expect(await button(4).evaluate((node) => node.ownerDocument.activeElement === node)).toBe(true);

      // Next, Next, Previous.
      await page.locator('#search-next').click();
      await shows(page, pageOf(all, 5));
      await page.locator('#search-next').click();
      await shows(page, pageOf(all, 6));
      await page.locator('#search-previous').click();
      await shows(page, pageOf(all, 5));
      expect((await table(page)).current).toEqual(['5']);

      // The last page by its button: Next goes off there.
      await button(pages).click();
      await shows(page, pageOf(all, pages));
      expect(await page.locator('#search-next').isDisabled()).toBe(true);
      expect((await table(page)).pages.at(-1)).toBe(String(pages));

      // Back by Previous, then to page 1 by its button.
      await page.locator('#search-previous').click();
      await shows(page, pageOf(all, pages - 1));
      await button(1).click();
      await shows(page, pageOf(all, 1));
      expect((await table(page)).current).toEqual(['1']);
      expect(await page.locator('#search-previous').isDisabled()).toBe(true);

      // The sort: by name, from page 1 again.
      await button(3).click();
      await shows(page, pageOf(all, 3));
      await page.locator('#search-sort').selectOption({ label: 'Name' });
      await shows(page, pageOf(byName(jobs), 1), all.length);
      expect((await table(page)).current).toEqual(['1']);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page
        .locator('#job-search')
        .screenshot({ path: new URL('demo-job-table.png', ARTIFACTS).pathname });

      const external = requests.filter((url) => {
        const { protocol, hostname } = new URL(url);
        return protocol !== 'data:' && hostname !== '127.0.0.1';
      });
      expect(external).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
