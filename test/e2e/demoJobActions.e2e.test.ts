import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dataset,
  type JobRecord,
  rollUpTaskRunStatus,
  type TaskRunStatus,
} from '../../src/emulator/dataset.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium.js';

/**
 * The /demo job table's actions (src/demo/demo.js: Suspend, Requeue and Set priority, one `updateJob` each) in
 * headless Chromium, on the default stack (mutations on with the embedded emulator). Every change is checked against
 * the emulator's live records, the ground truth, with the expected task counts worked out here from a copy of the job
 * taken before the click; refusals (BAD_USER_INPUT, CONFLICT, FORBIDDEN) must show the gateway's message in the
 * status line and change nothing. Nothing may leave 127.0.0.1, and the page logs no errors.
 */
const PAGE_SIZE = 10;
const FINISHED: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);
const ARTIFACTS = new URL('./artifacts/', import.meta.url);

let stack: TestStack;
let dataset: Dataset;
let browser: Browser;
let farmId: string;
let jobs: JobRecord[];
/** Each job's queue (the records do not carry it). */
const queueOf = new Map<string, string>();

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 10, largeStepTasks: 10 } } });
  if (!stack.emulator) throw new Error('no emulator');
  dataset = stack.emulator.dataset;
  farmId = dataset.farms[0]?.farmId ?? '';
  // The page searches the farm's first 10 queues. The records are the live ones: read them after a change.
  const queueIds = (dataset.queues.get(farmId) ?? []).slice(0, 10).map((queue) => queue.queueId);
  jobs = queueIds.flatMap((queueId) => dataset.jobs.get(`${farmId}/${queueId}`) ?? []);
  for (const queueId of queueIds) {
    for (const job of dataset.jobs.get(`${farmId}/${queueId}`) ?? []) queueOf.set(job.jobId, queueId);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const byJobId = (a: JobRecord, b: JobRecord) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
/** The table's default order: newest first, ties by job ID. */
const newestFirst = (list: JobRecord[]) =>
  [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || byJobId(a, b));

type Counts = Partial<Record<TaskRunStatus, number>>;

/** The statuses with tasks, as a plain object (zero counts left out), for comparisons. */
const nonZero = (counts: Counts | undefined): Counts =>
  Object.fromEntries(Object.entries(counts ?? {}).filter(([, count]) => (count ?? 0) > 0));

/** A row's Tasks cell ("6 succeeded, 9 suspended") read back into counts. */
function parseTasks(text: string): Counts {
  if (text === '—') return {};
  return Object.fromEntries(
    text.split(', ').map((part) => {
      const [count, ...words] = part.split(' ');
      return [words.join('_').toUpperCase(), Number(count)];
    }),
  );
}

interface Watch {
  page: Page;
  requests: Request[];
  errors: string[];
}

async function openDemo(url: string): Promise<Watch & { close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests: Request[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request));
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${url}/demo`);
  return { page, requests, errors, close: () => context.close() };
}

/** No request left 127.0.0.1 (data: URLs aside). */
function externalRequests(requests: Request[]): string[] {
  return requests
    .map((request) => request.url())
    .filter((url) => {
      const { protocol, hostname } = new URL(url);
      return protocol !== 'data:' && hostname !== '127.0.0.1';
    });
}

/** The updateJob requests the page sent: their input and Idempotency-Key header. */
function mutations(requests: Request[]) {
  return requests
    .filter((request) => request.method() === 'POST' && (request.postData() ?? '').includes('DemoUpdateJob'))
    .map((request) => ({
      input: (request.postDataJSON() as { variables: { input: Record<string, unknown> } }).variables.input,
      query: (request.postDataJSON() as { query: string }).query,
      key: request.headers()['idempotency-key'],
    }));
}

const row = (page: Page, jobId: string) => page.locator(`#search-rows tr[data-job-id="${jobId}"]`);
const cell = (rowLocator: Locator, column: string) => rowLocator.locator(`td[data-column="${column}"]`);

/** What a row shows, once its change is answered (not busy). */
async function rowState(rowLocator: Locator) {
  return {
    busy: await rowLocator.getAttribute('aria-busy'),
    status: await cell(rowLocator, 'status').textContent(),
    priority: await cell(rowLocator, 'priority').textContent(),
    tasks: parseTasks((await cell(rowLocator, 'tasks').textContent()) ?? ''),
    field: await rowLocator.getByRole('spinbutton').inputValue(),
  };
}

/** Waits until page 1 (newest first) is drawn and no longer busy. */
async function pageOneShown(page: Page, all: JobRecord[]) {
  const ids = all.slice(0, PAGE_SIZE).map((job) => job.jobId);
  await expect
    .poll(async () => ({
      ids: await page
        .locator('#search-rows tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id'))),
      busy: await page.locator('#job-search').getAttribute('aria-busy'),
    }))
    .toEqual({ ids, busy: 'false' });
}

const actionStatus = (page: Page) => page.locator('#action-status');

describe('/demo job table actions in headless Chromium', () => {
  it('suspends, requeues and reprioritises a job, rows and emulator agree; refusals show their message', async () => {
    const all = newestFirst(jobs);
    const { page, requests, errors, close } = await openDemo(stack.url);
    try {
      await pageOneShown(page, all);

      // A job on page 1 with unfinished tasks, and a copy of it as it was.
      const target = all
        .slice(0, PAGE_SIZE)
        .find(
          (job) =>
            job.lifecycleStatus !== 'ARCHIVED' &&
            Object.entries(job.taskRunStatusCounts ?? {}).some(
              ([status, count]) => !FINISHED.has(status) && (count ?? 0) > 0,
            ),
        );
      if (!target) throw new Error('no job with unfinished tasks on page 1');
      const before = structuredClone(target);
      const queueId = queueOf.get(target.jobId);
      const total = Object.values(before.taskRunStatusCounts ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
      const targetRow = row(page, target.jobId);
      const buttons = {
        suspend: targetRow.getByRole('button', { name: `Suspend ${target.name}`, exact: true }),
        requeue: targetRow.getByRole('button', { name: `Requeue ${target.name}`, exact: true }),
        set: targetRow.getByRole('button', { name: `Set priority of ${target.name}`, exact: true }),
        priority: targetRow.getByRole('spinbutton', { name: `Priority of ${target.name}`, exact: true }),
      };
      expect(await buttons.priority.inputValue()).toBe(String(before.priority));

      // ---- Suspend: held at the network until the row is seen busy, its controls off.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/graphql', async (route) => {
        if ((route.request().postData() ?? '').includes('DemoUpdateJob')) await held;
        await route.continue();
      });
      await buttons.suspend.click();
      await expect.poll(() => targetRow.getAttribute('aria-busy')).toBe('true');
      for (const control of Object.values(buttons)) expect(await control.isDisabled()).toBe(true);
      expect(await actionStatus(page).textContent()).toBe(`Suspending ${target.name}…`);
      release();
      await page.unrouteAll({ behavior: 'wait' }); // once the held request has gone on

      // Every unfinished task SUSPENDED, the finished ones as they were: in the emulator and in the row.
      const suspended: Counts = {};
      for (const [status, count] of Object.entries(nonZero(before.taskRunStatusCounts))) {
        const key = (FINISHED.has(status) ? status : 'SUSPENDED') as TaskRunStatus;
        suspended[key] = (suspended[key] ?? 0) + (count ?? 0);
      }
      await expect.poll(() => rowState(targetRow)).toMatchObject({ busy: 'false', tasks: suspended });
      expect(nonZero(target.taskRunStatusCounts)).toEqual(suspended);
      expect(target.targetTaskRunStatus).toBe('SUSPENDED');
      expect(await rowState(targetRow)).toEqual({
        busy: 'false',
        status: target.taskRunStatus,
        priority: String(before.priority),
        tasks: suspended,
        field: String(before.priority),
      });
      expect(target.taskRunStatus).toBe(rollUpTaskRunStatus(suspended));
      expect(await actionStatus(page).textContent()).toContain(`${target.name}: ${target.taskRunStatus}`);
      expect(await actionStatus(page).getAttribute('class')).not.toContain('error');
      // The focus is back on the button that was clicked.
      expect(await buttons.suspend.evaluate((node) => node.ownerDocument.activeElement === node)).toBe(true);

      // ---- Requeue: every task back to READY (PENDING behind an unresolved dependency).
      await buttons.requeue.click();
      await expect
        .poll(async () => {
          const state = await rowState(targetRow);
          return { busy: state.busy, queued: (state.tasks.READY ?? 0) + (state.tasks.PENDING ?? 0) };
        })
        .toEqual({ busy: 'false', queued: total });
      const requeued = nonZero(target.taskRunStatusCounts);
      expect(Object.keys(requeued).every((status) => status === 'READY' || status === 'PENDING')).toBe(true);
      expect((requeued.READY ?? 0) + (requeued.PENDING ?? 0)).toBe(total);
      expect(target.targetTaskRunStatus).toBe('PENDING');
      expect(['READY', 'PENDING']).toContain(target.taskRunStatus);
      expect(await rowState(targetRow)).toMatchObject({ status: target.taskRunStatus, tasks: requeued });

      // ---- Set priority (a value it does not have), by the Set button, then by Enter in the field.
      const newPriority = before.priority === 97 ? 96 : 97;
      await buttons.priority.fill(String(newPriority));
      await buttons.set.click();
      await expect.poll(() => cell(targetRow, 'priority').textContent()).toBe(String(newPriority));
      expect(target.priority).toBe(newPriority);
      expect(await rowState(targetRow)).toMatchObject({ busy: 'false', field: String(newPriority) });
      await buttons.priority.fill('0');
      await buttons.priority.press('Enter');
      await expect.poll(() => cell(targetRow, 'priority').textContent()).toBe('0');
      expect(target.priority).toBe(0);

      // ---- A priority outside 0–100: the gateway refuses it (BAD_USER_INPUT) and the status line says why.
      const refusal = await stack.query(
        'mutation($input: UpdateJobInput!) { updateJob(input: $input) { clientToken } }',
        { input: { farmId, queueId, jobId: target.jobId, priority: 101 } },
      );
      expect(refusal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      await buttons.priority.fill('101');
      await buttons.set.click();
      await expect
        .poll(() => actionStatus(page).textContent())
        .toBe(`Could not set the priority of ${target.name}: ${refusal.errors?.[0]?.message}`);
      expect(await actionStatus(page).getAttribute('class')).toContain('error');
      expect(target.priority).toBe(0);
      expect(await cell(targetRow, 'priority').textContent()).toBe('0');
      // Not a number at all: the page says so itself and sends nothing.
      const sent = mutations(requests).length;
      await buttons.priority.fill('');
      await buttons.set.click();
      expect(await actionStatus(page).textContent()).toBe(
        `Type a whole number from 0 to 100 as the priority of ${target.name}.`,
      );
      expect(mutations(requests).length).toBe(sent);

      // ---- An archived job (page 2) cannot be suspended: Deadline's CONFLICT, shown with its message.
      const archived = all.slice(PAGE_SIZE, 2 * PAGE_SIZE).find((job) => job.lifecycleStatus === 'ARCHIVED');
      if (!archived) throw new Error('no archived job on page 2');
      const archivedBefore = structuredClone(archived);
      await page.locator('#search-page-numbers button[data-page="2"]').click();
      const archivedRow = row(page, archived.jobId);
      await archivedRow.getByRole('button', { name: `Suspend ${archived.name}`, exact: true }).click();
      await expect
        .poll(() => actionStatus(page).textContent())
        .toMatch(new RegExp(`^Could not suspend ${archived.name}: .*archived`));
      expect(await archivedRow.getAttribute('aria-busy')).toBe('false');
      expect(archived).toEqual(archivedBefore);

      // One updateJob per action, input in variables (the operation text is always the same), a fresh key each.
      const sentMutations = mutations(requests);
      expect(sentMutations.map(({ input }) => input)).toEqual([
        { farmId, queueId, jobId: target.jobId, targetTaskRunStatus: 'SUSPENDED' },
        { farmId, queueId, jobId: target.jobId, targetTaskRunStatus: 'PENDING' },
        { farmId, queueId, jobId: target.jobId, priority: newPriority },
        { farmId, queueId, jobId: target.jobId, priority: 0 },
        { farmId, queueId, jobId: target.jobId, priority: 101 },
        {
          farmId,
          queueId: queueOf.get(archived.jobId),
          jobId: archived.jobId,
          targetTaskRunStatus: 'SUSPENDED',
        },
      ]);
      expect(new Set(sentMutations.map(({ query }) => query)).size).toBe(1);
      const keys = sentMutations.map(({ key }) => key);
      for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(new Set(keys).size).toBe(keys.length);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page
        .locator('#job-search')
        .screenshot({ path: new URL('demo-job-actions.png', ARTIFACTS).pathname });

      expect(externalRequests(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('suspends the selected jobs with one updateJobs: each job changed or refused alone', async () => {
    const all = newestFirst(jobs);
    const { page, requests, errors, close } = await openDemo(stack.url);
    try {
      await pageOneShown(page, all);
      await page.locator('#search-page-numbers button[data-page="2"]').click();
      const pageTwo = all.slice(PAGE_SIZE, 2 * PAGE_SIZE);
      await expect
        .poll(() =>
          page
            .locator('#search-rows tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id'))),
        )
        .toEqual(pageTwo.map((job) => job.jobId));
      const unfinished = pageTwo.find(
        (job) =>
          job.lifecycleStatus !== 'ARCHIVED' &&
          Object.entries(job.taskRunStatusCounts ?? {}).some(
            ([status, n]) => !FINISHED.has(status) && (n ?? 0) > 0,
          ),
      );
      const archived = pageTwo.find((job) => job.lifecycleStatus === 'ARCHIVED');
      if (!unfinished || !archived) throw new Error('page 2 lacks an unfinished or an archived job');
      const before = { unfinished: structuredClone(unfinished), archived: structuredClone(archived) };

      const bulk = page.locator('#suspend-selected');
      expect(await bulk.isDisabled()).toBe(true);
      const box = (job: JobRecord) => page.getByRole('checkbox', { name: `Select ${job.name}`, exact: true });
      await box(archived).check();
      await box(unfinished).check();
      expect(await bulk.textContent()).toBe('Suspend selected (2)');
      await bulk.click();

      const suspended: Counts = {};
      for (const [status, count] of Object.entries(nonZero(before.unfinished.taskRunStatusCounts))) {
        const key = (FINISHED.has(status) ? status : 'SUSPENDED') as TaskRunStatus;
        suspended[key] = (suspended[key] ?? 0) + (count ?? 0);
      }
      await expect.poll(() => actionStatus(page).textContent()).toMatch(/^Suspended 1 of 2 jobs\. /);
      expect(await actionStatus(page).textContent()).toMatch(
        new RegExp(`Could not suspend ${archived.name}: .*archived`),
      );
      expect(await actionStatus(page).getAttribute('class')).toContain('error');
      // The emulator's records: the unfinished job suspended, the archived one untouched.
      expect(nonZero(unfinished.taskRunStatusCounts)).toEqual(suspended);
      expect(archived).toEqual(before.archived);
      // The rows: the changed one redrawn and unticked, the refused one still ticked; nothing busy.
      expect(await rowState(row(page, unfinished.jobId))).toMatchObject({
        busy: 'false',
        status: unfinished.taskRunStatus,
        tasks: suspended,
      });
      expect(await box(unfinished).isChecked()).toBe(false);
      expect(await box(archived).isChecked()).toBe(true);
      expect(await bulk.textContent()).toBe('Suspend selected (1)');

      const batches = requests.filter((request) => (request.postData() ?? '').includes('DemoUpdateJobs'));
      expect(batches).toHaveLength(1);
      const [batch] = batches;
      if (!batch) throw new Error('no updateJobs request');
      expect(batch.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{32,36}$/);
      expect((batch.postDataJSON() as { variables: unknown }).variables).toEqual({
        input: {
          jobs: [archived, unfinished].map((job) => ({
            farmId,
            queueId: queueOf.get(job.jobId),
            jobId: job.jobId,
            targetTaskRunStatus: 'SUSPENDED',
          })),
        },
      });

      expect(externalRequests(requests)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('resends a change whose answer was lost with the same Idempotency-Key: one client token, applied once', async () => {
    const all = newestFirst(jobs);
    const { page, requests, errors, close } = await openDemo(stack.url);
    try {
      await pageOneShown(page, all);
      const [target] = all;
      if (!target) throw new Error('no job');
      const newPriority = target.priority === 42 ? 43 : 42;
      // The first updateJob reaches the gateway (and is applied), but its answer is lost: the connection resets.
      const tokens: string[] = [];
      let lost = false;
      let appliedAt: string | undefined;
      await page.route('**/graphql', async (route) => {
        if (!(route.request().postData() ?? '').includes('DemoUpdateJob')) return route.continue();
        const response = await route.fetch();
        if (!lost) appliedAt = target.updatedAt;
        tokens.push(
          ((await response.json()) as { data: { updateJob: { clientToken: string } } }).data.updateJob
            .clientToken,
        );
        if (!lost) {
          lost = true;
          return route.abort('connectionreset');
        }
        return route.fulfill({ response });
      });
      const targetRow = row(page, target.jobId);
      await targetRow
        .getByRole('spinbutton', { name: `Priority of ${target.name}` })
        .fill(String(newPriority));
      await targetRow.getByRole('button', { name: `Set priority of ${target.name}` }).click();
      await expect.poll(() => cell(targetRow, 'priority').textContent()).toBe(String(newPriority));
      expect(target.priority).toBe(newPriority);

      const sent = mutations(requests);
      expect(sent).toHaveLength(2);
      expect(sent[0]?.key).toBeDefined();
      expect(sent[1]?.key).toBe(sent[0]?.key);
      // The gateway derived the same client token from the same key: Deadline applies that change once.
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).toBe(tokens[0]);
      // The emulator kept its first answer for the resend: the job was not stamped again.
      expect(appliedAt).toBeDefined();
      expect(target.updatedAt).toBe(appliedAt);
      expect(await actionStatus(page).getAttribute('class')).not.toContain('error');

      expect(externalRequests(requests)).toEqual([]);
      // The lost answer is the one error Chromium reports.
      expect(errors.filter((error) => !error.includes('ERR_CONNECTION_RESET'))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows FORBIDDEN when the gateway has mutations off, and the row is left as it was', async () => {
    const off = await startTestStack({
      emulator: { sizes: { largeJobSessions: 10, largeStepTasks: 10 } },
      gateway: { mutations: { enabled: false } },
    });
    try {
      const offDataset = off.emulator?.dataset as Dataset;
      const offFarm = offDataset.farms[0]?.farmId ?? '';
      const offJobs = newestFirst(
        (offDataset.queues.get(offFarm) ?? [])
          .slice(0, 10)
          .flatMap((queue) => offDataset.jobs.get(`${offFarm}/${queue.queueId}`) ?? []),
      );
      const { page, requests, errors, close } = await openDemo(off.url);
      try {
        await pageOneShown(page, offJobs);
        const [target] = offJobs;
        if (!target) throw new Error('no job');
        const before = structuredClone(target);
        const targetRow = row(page, target.jobId);
        const shown = await rowState(targetRow);
        await targetRow.getByRole('button', { name: `Suspend ${target.name}` }).click();
        await expect
          .poll(() => actionStatus(page).textContent())
          .toMatch(new RegExp(`^Could not suspend ${target.name}: Mutations are off on this gateway`));
        expect(await rowState(targetRow)).toEqual(shown);
        expect(target).toEqual(before);
        expect(off.emulator?.calls().UpdateJob ?? 0).toBe(0);
        expect(externalRequests(requests)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    } finally {
      await off.close();
    }
  });
});
