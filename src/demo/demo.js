// Render farm demo: a job table with a status filter, a sort and numbered pages (`jobSearch`); the first farm's
// jobs by queue; and a job's sessions, paged with "Load more".
//
// Everything a frontend needs is here: a 15-line GraphQL client on `fetch`, three queries, and cursor paging.
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
  constructor(message, code) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
  }
}

/**
 * Sends one operation. `content-type: application/json` matters: it makes the request "non-simple", which the
 * gateway's CSRF prevention requires (a form post or a plain GET from another site cannot send it).
 */
async function graphql(query, variables = {}) {
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  // A field that failed is null and its error is in `errors`, possibly next to partial `data`. This demo treats
  // any error as a failure of the whole request; a dashboard could show the partial data instead.
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new GraphQLRequestError(first.message, first.extensions?.code);
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
      }
    }
  }

  fragment DemoPage on PageCursor {
    page
    cursor
    isCurrent
  }
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
  $('search-rows').replaceChildren(
    ...jobs.map((job) => {
      const row = element('tr', undefined, { 'data-job-id': job.jobId });
      const tasks = job.taskRunStatusCounts
        .filter(({ count }) => count > 0)
        .map(({ status, count }) => `${count} ${status.toLowerCase().replaceAll('_', ' ')}`)
        .join(', ');
      row.append(
        element('td', job.name),
        element('td', search.queueNames.get(job.queueId) ?? job.queueId),
        element('td', job.taskRunStatus ?? job.lifecycleStatus),
        element('td', String(job.priority)),
        element('td', formatTime(job.createdAt)),
        element('td', job.createdBy),
        element('td', tasks || '—'),
      );
      return row;
    }),
  );
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
$('back-to-jobs').addEventListener('click', backToJobs);
showFarmJobs().catch((error) => {
  const status = $('jobs-status');
  status.textContent = `Could not load the farm's jobs: ${error.message}`;
  status.classList.add('error');
});
