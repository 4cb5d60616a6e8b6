// Render farm demo: a job table with a status filter, a sort and numbered pages (`jobSearch`), and per row the
// actions Suspend, Requeue and Set priority (`updateJob`); the first farm's jobs by queue; and a job's sessions, paged
// with "Load more".
//
// Everything a frontend needs is here: a small GraphQL client on `fetch`, three queries, one mutation with an
// idempotency key, and cursor paging.
// No framework, no dependencies, no build step. The gateway serves this file at /demo/demo.js.

/** The gateway's GraphQL endpoint (same origin as this page). */
const GRAPHQL_URL = '/graphql';

/** Sessions per page. 100 is the most a connection returns at once (`first` is 0–100). */
const SESSIONS_PAGE_SIZE = 100;

/**
 * A GraphQL error with the gateway's stable `extensions.code` (docs/errors.md): `CURSOR_EXPIRED`,
 * `INVALID_CURSOR`, `UPSTREAM_THROTTLED`, `UPSTREAM_UNAVAILABLE`, `QUERY_TOO_COSTLY`, …
 */
class GraphQLRequestError extends Error {
  constructor(message, code, data = null) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
    /** The response's `data` next to the error (null when there was none). */
    this.data = data ?? null;
  }
}

/**
 * Sends one operation. `content-type: application/json` matters: it makes the request "non-simple", which the
 * gateway's CSRF prevention requires (a form post or a plain GET from another site cannot send it).
 *
 * `headers` are added to the request (a mutation's `Idempotency-Key`). `attempts` > 1 resends the very same request
 * when it got no answer at all (the network failed): only for a request that is safe to repeat, such as a mutation
 * with its idempotency key, which the gateway applies once however often it arrives.
 */
async function graphql(query, variables = {}, { headers = {}, attempts = 1 } = {}) {
  const request = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  };
  let response;
  for (let attempt = 1; response === undefined; attempt++) {
    try {
      response = await fetch(GRAPHQL_URL, request);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
  const body = await response.json();
  // A field that failed is null and its error is in `errors`, possibly next to partial `data`. This demo treats
  // any error as a failure of the whole request (the partial data rides along on the error, for a caller that can
  // use it); a dashboard could show the partial data instead.
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new GraphQLRequestError(first.message, first.extensions?.code, body.data);
  }
  if (!response.ok) throw new GraphQLRequestError(`HTTP ${response.status}`, undefined);
  return body.data;
}

// The farm's queues and a page of each queue's jobs, in one request. Every list is a connection: `first` is the
// page size; this demo shows one page of each (25 queues, 50 jobs per queue).
const FARM_JOBS = /* GraphQL */ `
  query DemoFarmJobs {
    farms(first: 1) {
      nodes {
        farmId
        displayName
        queues(first: 25) {
          nodes {
            queueId
            displayName
            status
            jobs(first: 50) {
              nodes {
                jobId
                name
                lifecycleStatus
                taskRunStatus
                priority
              }
            }
          }
        }
      }
    }
  }
`;

// One page of a job's sessions. `after` is null for the first page, then the previous page's `endCursor`.
const JOB_SESSIONS = /* GraphQL */ `
  query DemoJobSessions($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int!, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: $first, after: $after) {
        edges {
          cursor
          node {
            sessionId
            lifecycleStatus
            startedAt
            endedAt
            worker {
              hostName
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

// What a row of the job table shows of a job: the search's nodes and the mutation's answer select the same.
const JOB_ROW = /* GraphQL */ `
  fragment DemoJobRow on Job {
    jobId
    queueId
    name
    taskRunStatus
    lifecycleStatus
    priority
    createdAt
    createdBy
    taskRunStatusCounts {
      status
      count
    }
  }
`;

// One page of the job table: the farm's search over its queues, with the number found and numbered pages. Filter,
// sort and page are variables; the operation text never changes.
const JOB_SEARCH = /* GraphQL */ `
  query DemoJobSearch(
    $farmId: ID!
    $queueIds: [ID!]!
    $filter: JobFilter
    $sort: [JobSort!]
    $first: Int!
    $after: String
  ) {
    farm(farmId: $farmId) {
      jobSearch(queueIds: $queueIds, filter: $filter, sort: $sort, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        pageCursors {
          first {
            ...DemoPage
          }
          last {
            ...DemoPage
          }
          previous {
            ...DemoPage
          }
          around {
            ...DemoPage
          }
        }
        nodes {
          ...DemoJobRow
        }
      }
    }
  }

  fragment DemoPage on PageCursor {
    page
    cursor
    isCurrent
  }

  ${JOB_ROW}
`;

// One action on one job of the table: suspend, requeue or a new priority, all in `input`. The answer is the job read
// again after the change, with the fields of a table row, so the row is redrawn from it.
const UPDATE_JOB = /* GraphQL */ `
  mutation DemoUpdateJob($input: UpdateJobInput!) {
    updateJob(input: $input) {
      clientToken
      job {
        ...DemoJobRow
      }
    }
  }

  ${JOB_ROW}
`;

// The same change for the jobs selected in the table: one batch, one result per job in the input's order, each
// the job read again or why it was not changed.
const UPDATE_JOBS = /* GraphQL */ `
  mutation DemoUpdateJobs($input: UpdateJobsInput!) {
    updateJobs(input: $input) {
      clientToken
      results {
        job {
          ...DemoJobRow
        }
        error {
          code
          message
        }
      }
    }
  }

  ${JOB_ROW}
`;

const $ = (id) => document.getElementById(id);

/** Creates an element with text content (never innerHTML: names come from users and are not trusted). */
function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// ---- The jobs list -------------------------------------------------------------------------------------------

async function showFarmJobs() {
  const data = await graphql(FARM_JOBS);
  const farm = data.farms.nodes[0];
  if (!farm) {
    $('farm-name').textContent = '(no farm)';
    $('jobs-status').textContent = 'The gateway sees no farm.';
    return;
  }
  $('farm-name').textContent = farm.displayName;
  startJobSearch(farm);
  let jobCount = 0;
  const queues = $('queues');
  for (const queue of farm.queues.nodes) {
    const section = element('section', undefined, { class: 'queue', 'data-queue-id': queue.queueId });
    section.append(element('h3', `${queue.displayName} · ${queue.status}`));
    const list = element('ul', undefined, { class: 'jobs' });
    for (const job of queue.jobs.nodes) {
      jobCount++;
      const button = element('button', undefined, {
        type: 'button',
        'data-job-id': job.jobId,
        'aria-controls': 'sessions-section',
      });
      button.append(
        element('span', job.name),
        document.createTextNode(' '),
        element('span', `${job.taskRunStatus ?? job.lifecycleStatus} · priority ${job.priority}`, {
          class: 'job-status',
        }),
      );
      button.addEventListener('click', () => {
        // Mark the job whose sessions are shown (aria-current: screen readers say "current"; CSS highlights it).
        queues.querySelector('button[aria-current="true"]')?.removeAttribute('aria-current');
        button.setAttribute('aria-current', 'true');
        openJob({ farmId: farm.farmId, queueId: queue.queueId, jobId: job.jobId, name: job.name });
        revealSessions();
      });
      const item = element('li');
      item.append(button);
      list.append(item);
    }
    section.append(list);
    queues.append(section);
  }
  $('jobs-status').textContent =
    `${jobCount} jobs in ${farm.queues.nodes.length} queues. Pick one to see its sessions.`;
}

// ---- The job table: a search with a filter, a sort and numbered pages ------------------------------------------
//
// - `totalCount` is the number found ("N jobs"). Deadline's search reaches the first 10,000 results, and lags new
//   submissions by up to a minute.
// - `pageCursors` are the page buttons: each page's number and the cursor that opens it (`after`; null for page 1).
//   Page cursors, like all cursors, belong to one filter and sort: on a change, start again from page 1.
// - "Next" is `pageInfo.endCursor`, "Previous" is `pageCursors.previous`.

/** Jobs per page of the table. */
const SEARCH_PAGE_SIZE = 10;

/** The sort options of the table's "Sort" select, as JobSort lists (ties: Deadline's own order). */
const SORTS = {
  newest: [{ field: 'CREATED_AT', direction: 'DESC' }],
  oldest: [{ field: 'CREATED_AT', direction: 'ASC' }],
  priority: [
    { field: 'PRIORITY', direction: 'DESC' },
    { field: 'CREATED_AT', direction: 'DESC' },
  ],
  name: [{ field: 'NAME', direction: 'ASC' }],
};

/** The farm and queues searched, their names, and the request on screen (a late answer to an older one is dropped). */
let search = null;

function startJobSearch(farm) {
  // A search takes 1 to 10 queues: the farm's first 10.
  const queues = farm.queues.nodes.slice(0, 10);
  search = {
    farmId: farm.farmId,
    queueIds: queues.map((queue) => queue.queueId),
    queueNames: new Map(queues.map((queue) => [queue.queueId, queue.displayName])),
    request: 0,
  };
  if (search.queueIds.length === 0) {
    $('search-count').textContent = 'This farm has no queues.';
    return;
  }
  $('search-status-filter').addEventListener('change', () => loadJobPage(null));
  $('search-sort').addEventListener('change', () => loadJobPage(null));
  $('search-previous').addEventListener('click', () => loadJobPage(search.previous));
  $('search-next').addEventListener('click', () => loadJobPage(search.next));
  loadJobPage(null);
}

/** Loads the page `after` opens (null: page 1) with the filter and sort the selects show. */
async function loadJobPage(after) {
  const request = ++search.request;
  const statuses = $('search-status-filter').value;
  const section = $('job-search');
  section.setAttribute('aria-busy', 'true');
  try {
    const data = await graphql(JOB_SEARCH, {
      farmId: search.farmId,
      queueIds: search.queueIds,
      filter: statuses ? { taskRunStatus: { in: statuses.split(',') } } : null,
      sort: SORTS[$('search-sort').value],
      first: SEARCH_PAGE_SIZE,
      after,
    });
    if (request !== search.request) return;
    const found = data.farm.jobSearch;
    $('search-count').textContent = found.totalCount === 1 ? '1 job' : `${found.totalCount} jobs`;
    $('search-count').classList.remove('error');
    showJobRows(found.nodes);
    showPageButtons(found);
  } catch (error) {
    if (request !== search.request) return;
    $('search-count').textContent = `Could not search the jobs: ${error.message}`;
    $('search-count').classList.add('error');
  } finally {
    if (request === search.request) section.setAttribute('aria-busy', 'false');
  }
}

function showJobRows(jobs) {
  $('search-rows').replaceChildren(...jobs.map(jobRow));
  showSelection(); // a new page starts with nothing selected
}

/**
 * A row of the job table: the job's columns, then its actions. Every control's accessible name says which job it
 * acts on ("Suspend sq010_sh0310_comp_v023"): a screen reader user tabbing through the table hears it, and a test or
 * voice control can pick it by name.
 */
function jobRow(job) {
  const row = element('tr', undefined, { 'data-job-id': job.jobId, 'data-queue-id': job.queueId });
  const select = element('td', undefined, { 'data-column': 'select' });
  const box = element('input', undefined, { type: 'checkbox', 'aria-label': `Select ${job.name}` });
  box.addEventListener('change', showSelection);
  select.append(box);
  const cells = ['name', 'queue', 'status', 'priority', 'created', 'created-by', 'tasks'].map((column) =>
    element('td', undefined, { 'data-column': column }),
  );
  const actions = element('td', undefined, { class: 'job-actions' });
  const suspend = element('button', 'Suspend', { type: 'button', 'aria-label': `Suspend ${job.name}` });
  suspend.addEventListener('click', () =>
    changeJob(row, { targetTaskRunStatus: 'SUSPENDED' }, { doing: 'Suspending', failed: 'suspend' }),
  );
  const requeue = element('button', 'Requeue', { type: 'button', 'aria-label': `Requeue ${job.name}` });
  requeue.addEventListener('click', () =>
    changeJob(row, { targetTaskRunStatus: 'PENDING' }, { doing: 'Requeueing', failed: 'requeue' }),
  );
  // A form, so Enter in the field sets the priority too. `novalidate`: the gateway checks the range (0–100) and its
  // answer is shown; min and max only guide the spin buttons and tell assistive technology the range.
  const form = element('form', undefined, { class: 'priority-form', novalidate: '' });
  const priority = element('input', undefined, {
    type: 'number',
    min: '0',
    max: '100',
    step: '1',
    inputmode: 'numeric',
    name: 'priority',
    'aria-label': `Priority of ${job.name}`,
  });
  const set = element('button', 'Set', { type: 'submit', 'aria-label': `Set priority of ${job.name}` });
  form.append(priority, set);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = priority.valueAsNumber;
    if (!Number.isInteger(value)) {
      showActionStatus(`Type a whole number from 0 to 100 as the priority of ${job.name}.`, true);
      priority.focus();
      return;
    }
    changeJob(row, { priority: value }, { doing: 'Setting the priority of', failed: 'set the priority of' });
  });
  actions.append(suspend, requeue, form);
  row.append(select, ...cells, actions);
  fillJobRow(row, job);
  setRowBusy(row, changing.has(job.jobId));
  return row;
}

/** Writes a job's columns into its row (on the first drawing, and again from a mutation's answer). */
function fillJobRow(row, job) {
  const cell = (column) => row.querySelector(`td[data-column="${column}"]`);
  const tasks = taskSummary(job);
  cell('name').textContent = job.name;
  cell('queue').textContent = search.queueNames.get(job.queueId) ?? job.queueId;
  cell('status').textContent = job.taskRunStatus ?? job.lifecycleStatus;
  cell('priority').textContent = String(job.priority);
  cell('created').textContent = formatTime(job.createdAt);
  cell('created-by').textContent = job.createdBy;
  cell('tasks').textContent = tasks || '—';
  row.querySelector('input[name="priority"]').value = String(job.priority);
}

// ---- Actions on a job of the table: suspend, requeue, set its priority (`updateJob`) --------------------------------
//
// - One `updateJob` mutation per click, its input in variables. `targetTaskRunStatus: SUSPENDED` suspends every task
//   not yet finished; `PENDING` requeues the job (its tasks back to READY, or PENDING behind a dependency).
// - Each click sends a fresh `Idempotency-Key`; a resend of that request (below: once, when the network failed with
//   no answer) carries the same key, so the gateway applies the change once even if the first one did arrive.
// - The answer holds the job read again after the change: its row is redrawn from it, no new search needed.
// - A refused change (CONFLICT: the job's state does not allow it, e.g. an archived job; FORBIDDEN: mutations off or
//   no write grant; BAD_USER_INPUT: e.g. a priority outside 0–100) is shown in the status line above the table.

/** The jobs whose change is in flight: their rows' controls stay off until it is answered, on any page drawn. */
const changing = new Set();

/** A random idempotency key. `crypto.randomUUID` exists only in secure contexts (HTTPS, localhost). */
function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

/** The table row of a job, if the page on screen shows it. */
function rowOf(jobId) {
  return [...$('search-rows').rows].find((row) => row.dataset.jobId === jobId);
}

/** Turns a row's controls off (and the row `aria-busy`) while its job's change is in flight, and on again. */
function setRowBusy(row, busy) {
  row.setAttribute('aria-busy', String(busy));
  for (const control of row.querySelectorAll('button, input')) control.disabled = busy;
}

/** Sends one change of the job in `row`; `words` say what is done, for the status line. */
async function changeJob(row, change, words) {
  const { jobId, queueId } = row.dataset;
  const name = row.querySelector('td[data-column="name"]').textContent;
  if (changing.has(jobId)) return;
  changing.add(jobId);
  // The focus is on the clicked button, which is about to be disabled (and so loses it): keep it on the row's
  // control once it is on again.
  const focused = row.contains(document.activeElement) ? document.activeElement : null;
  setRowBusy(row, true);
  showSelection();
  showActionStatus(`${words.doing} ${name}…`);
  try {
    const data = await graphql(
      UPDATE_JOB,
      { input: { farmId: search.farmId, queueId, jobId, ...change } },
      { headers: { 'Idempotency-Key': newIdempotencyKey() }, attempts: 2 },
    );
    const job = data.updateJob?.job;
    if (!job) {
      showActionStatus(`Done, but ${name} could not be read again: reload the page to see it.`);
      return;
    }
    const shown = rowOf(jobId);
    if (shown) fillJobRow(shown, job);
    updateJobListEntry(job);
    showActionStatus(`${job.name}: ${describeJob(job)}.`);
  } catch (error) {
    if (error.data?.updateJob) {
      // Applied, but the job could not be read again (its error is the one reported).
      showActionStatus(`Done, but ${name} could not be read again: ${error.message}`, true);
    } else {
      showActionStatus(`Could not ${words.failed} ${name}: ${error.message}`, true);
    }
  } finally {
    changing.delete(jobId);
    const shown = rowOf(jobId);
    if (shown) {
      setRowBusy(shown, false);
      // Unless the user has moved on meanwhile (the focus is somewhere else than nowhere).
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (focused && shown === row && lost) focused.focus();
    }
    showSelection();
  }
}

/** The job's tasks by status, the statuses that have any: "6 succeeded, 9 suspended" (empty: no tasks). */
function taskSummary(job) {
  return job.taskRunStatusCounts
    .filter(({ count }) => count > 0)
    .map(({ status, count }) => `${count} ${status.toLowerCase().replaceAll('_', ' ')}`)
    .join(', ');
}

// ---- Suspend selected: one `updateJobs` for the rows ticked on this page ----------------------------------------
//
// Each job succeeds or fails alone: the rows of those changed are redrawn (and unticked), the others stay ticked and
// the status line says why each was not changed.

/** The ticked rows of the page on screen whose job is not already being changed. */
function selectedRows() {
  return [...$('search-rows').rows].filter(
    (row) => row.querySelector('td[data-column="select"] input').checked && !changing.has(row.dataset.jobId),
  );
}

/** "Suspend selected" is on when a row is ticked; its label says how many. */
function showSelection() {
  const count = selectedRows().length;
  const button = $('suspend-selected');
  button.disabled = count === 0;
  button.textContent = count === 0 ? 'Suspend selected' : `Suspend selected (${count})`;
}

async function suspendSelected() {
  const rows = selectedRows();
  if (rows.length === 0) return;
  const names = new Map(
    rows.map((row) => [row.dataset.jobId, row.querySelector('td[data-column="name"]').textContent]),
  );
  for (const row of rows) {
    changing.add(row.dataset.jobId);
    setRowBusy(row, true);
  }
  const button = $('suspend-selected');
  button.disabled = true;
  showActionStatus(rows.length === 1 ? 'Suspending 1 job…' : `Suspending ${rows.length} jobs…`);
  const items = rows.map(({ dataset: { queueId, jobId } }) => ({
    farmId: search.farmId,
    queueId,
    jobId,
    targetTaskRunStatus: 'SUSPENDED',
  }));
  try {
    const data = await graphql(
      UPDATE_JOBS,
      { input: { jobs: items } },
      { headers: { 'Idempotency-Key': newIdempotencyKey() }, attempts: 2 },
    );
    const failures = [];
    data.updateJobs.results.forEach((result, index) => {
      const { jobId } = items[index];
      if (result.error) {
        failures.push(`Could not suspend ${names.get(jobId)}: ${result.error.message}`);
        return;
      }
      const shown = rowOf(jobId);
      if (result.job && shown) {
        fillJobRow(shown, result.job);
        shown.querySelector('td[data-column="select"] input').checked = false;
      }
      if (result.job) updateJobListEntry(result.job);
    });
    const done = items.length - failures.length;
    showActionStatus(
      [`Suspended ${done} of ${items.length} ${items.length === 1 ? 'job' : 'jobs'}.`, ...failures].join(' '),
      failures.length > 0,
    );
  } catch (error) {
    showActionStatus(`Could not suspend the selected jobs: ${error.message}`, true);
  } finally {
    for (const { jobId } of items) {
      changing.delete(jobId);
      const shown = rowOf(jobId);
      if (shown) setRowBusy(shown, false);
    }
    showSelection();
  }
}

/** "SUSPENDED, priority 50, tasks: 6 succeeded, 9 suspended" */
function describeJob(job) {
  const tasks = taskSummary(job);
  return `${job.taskRunStatus ?? job.lifecycleStatus}, priority ${job.priority}${tasks ? `, tasks: ${tasks}` : ''}`;
}

/** The changed job in the jobs-by-queue list below, if it is there: its status and priority. */
function updateJobListEntry(job) {
  for (const button of $('queues').querySelectorAll('button[data-job-id]')) {
    if (button.dataset.jobId !== job.jobId) continue;
    const status = button.querySelector('.job-status');
    if (status) status.textContent = `${job.taskRunStatus ?? job.lifecycleStatus} · priority ${job.priority}`;
  }
}

function showActionStatus(text, isError = false) {
  const status = $('action-status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** Previous, the numbered pages (with "…" where numbers are left out) and Next. */
function showPageButtons({ pageCursors, pageInfo }) {
  const { first, last, previous, around } = pageCursors;
  const pages = [first, ...around, last].filter(Boolean);
  const numbers = $('search-page-numbers');
  const focused = document.activeElement;
  const hadFocus = numbers.contains(focused);
  const buttons = [];
  pages.forEach((page, index) => {
    const before = pages[index - 1];
    if (before && page.page > before.page + 1) buttons.push(element('span', '…', { 'aria-hidden': 'true' }));
    const button = element('button', String(page.page), {
      type: 'button',
      'data-page': String(page.page),
      'aria-label': `Page ${page.page}`,
    });
    if (page.isCurrent) button.setAttribute('aria-current', 'page');
    button.addEventListener('click', () => loadJobPage(page.cursor));
    buttons.push(button);
  });
  numbers.replaceChildren(...buttons);
  search.previous = previous?.cursor ?? null;
  search.next = pageInfo.endCursor;
  $('search-previous').disabled = previous === null;
  $('search-next').disabled = !pageInfo.hasNextPage;
  // Keep the keyboard focus in the page buttons when the one it was on went away (a number) or off (Previous on
  // page 1, Next on the last): on the new current page.
  if (hadFocus || focused?.disabled) numbers.querySelector('[aria-current="page"]')?.focus();
}

// ---- A job's sessions, with "Load more" ------------------------------------------------------------------------
//
// How cursors work, from the client's side:
// - A cursor is opaque: store it and send it back as `after`, never parse or build one. Every edge has a cursor;
//   `pageInfo.endCursor` is the last edge's, and resumes right after it.
// - `pageInfo.hasNextPage` is exact: when it is false this is the last page, and there is nothing to load (the
//   gateway never answers true and then an empty page). Paging is forward only: there is no `before`/`last`.
// - A cursor expires 24 hours after it was issued (it wraps Deadline Cloud's pagination token). Sending an
//   expired one fails with `CURSOR_EXPIRED`: restart from the first page (no `after`). A cursor from another job,
//   or one that was modified, fails with `INVALID_CURSOR`.
// - Lists are live: a session created while you page may be missed, or one may move and show up twice. Key your
//   rows by `sessionId` if that matters to you; this demo does, and skips a session it already shows.

/** What is on screen: the job, the cursor to resume from, and the sessions shown so far. */
let current = null;

function openJob(job) {
  // A new object per job: a late answer for a job the user has left is recognised and dropped.
  current = { job, endCursor: null, hasNextPage: true, shown: new Set(), loading: false };
  $('sessions-section').dataset.jobId = job.jobId;
  $('sessions-heading').textContent = `Sessions of ${job.name}`;
  $('sessions').replaceChildren();
  $('sessions-table').hidden = true; // until the first page is in: no empty table under "Loading…"
  $('load-more').hidden = true;
  $('back-to-jobs').hidden = false;
  $('sessions-section').scrollTop = 0; // the panel scrolls on its own on wide screens
  loadMoreSessions();
}

/**
 * Brings the sessions panel into view if it is not: on a narrow screen it sits below the whole jobs list. On a wide
 * one it is beside the list and sticky, already in view, so nothing moves.
 */
function revealSessions() {
  const panel = $('sessions-section');
  const { top } = panel.getBoundingClientRect();
  if (top >= 0 && top < window.innerHeight / 2) return;
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  panel.scrollIntoView({ block: 'start', behavior: reducedMotion ? 'auto' : 'smooth' });
}

/** "Back to the jobs" (narrow screens): scroll back to the job that was picked, and give it the focus. */
function backToJobs() {
  const picked = document.querySelector('#queues button[aria-current="true"]');
  if (!picked) return;
  picked.scrollIntoView({ block: 'center' });
  picked.focus({ preventScroll: true });
}

async function loadMoreSessions() {
  const state = current;
  if (!state || state.loading || !state.hasNextPage) return;
  state.loading = true;
  const button = $('load-more');
  button.disabled = true; // one request at a time: a double click must not load the same page twice
  setLoading(true);
  setSessionsStatus(state.shown.size === 0 ? `Loading the sessions of ${state.job.name}…` : 'Loading more…');
  try {
    const data = await graphql(JOB_SESSIONS, {
      farmId: state.job.farmId,
      queueId: state.job.queueId,
      jobId: state.job.jobId,
      first: SESSIONS_PAGE_SIZE,
      after: state.endCursor, // null on the first page
    });
    if (state !== current) return; // the user opened another job meanwhile
    if (!data.job) throw new GraphQLRequestError('The job no longer exists.', 'NOT_FOUND');
    const { edges, pageInfo } = data.job.sessions;
    appendSessions(state, edges);
    $('sessions-table').hidden = state.shown.size === 0;
    state.endCursor = pageInfo.endCursor;
    state.hasNextPage = pageInfo.hasNextPage;
    setSessionsStatus(
      state.hasNextPage
        ? `Showing ${state.shown.size} sessions.`
        : state.shown.size === 0
          ? 'This job has no sessions yet.'
          : `All ${state.shown.size} sessions loaded.`,
    );
  } catch (error) {
    if (state !== current) return;
    if (error.code === 'CURSOR_EXPIRED') {
      // The cursor outlived its 24 hours (the tab stayed open overnight): start over from the first page.
      setSessionsStatus('The list expired; reloading it from the start…');
      state.loading = false;
      openJob(state.job);
      return;
    }
    setSessionsStatus(`Could not load sessions: ${error.message}`, true);
  } finally {
    if (state === current) {
      state.loading = false;
      setLoading(false);
      // Hide "Load more" once the last page is in; keep it (enabled) to retry after an error.
      button.hidden = !state.hasNextPage;
      button.disabled = false;
    }
  }
}

function appendSessions(state, edges) {
  const rows = $('sessions');
  for (const { node: session } of edges) {
    if (state.shown.has(session.sessionId)) continue;
    state.shown.add(session.sessionId);
    const row = element('tr', undefined, { 'data-session-id': session.sessionId });
    row.append(
      element('td', String(state.shown.size)),
      element('td', session.sessionId, { title: session.sessionId }),
      element('td', session.lifecycleStatus),
      element('td', session.worker?.hostName ?? '—'),
      element('td', formatTime(session.startedAt)),
      element('td', formatTime(session.endedAt)),
    );
    rows.append(row);
  }
}

/** The visible loading state: `aria-busy` on the panel (demo.css: a spinner and dimmed rows), and the button says so. */
function setLoading(loading) {
  $('sessions-section').setAttribute('aria-busy', String(loading));
  $('load-more').textContent = loading ? 'Loading…' : 'Load more';
}

function setSessionsStatus(text, isError = false) {
  const status = $('sessions-status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** DateTime fields are ISO-8601 UTC strings; show them in the viewer's time zone and locale. */
function formatTime(value) {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

// ---- Start -------------------------------------------------------------------------------------------------------

$('load-more').addEventListener('click', loadMoreSessions);
$('suspend-selected').addEventListener('click', suspendSelected);
$('back-to-jobs').addEventListener('click', backToJobs);
showFarmJobs().catch((error) => {
  const status = $('jobs-status');
  status.textContent = `Could not load the farm's jobs: ${error.message}`;
  status.classList.add('error');
});
