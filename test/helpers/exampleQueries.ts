/**
 * Queries the README and the issues quote, shared by the tests that hold them to their promises (cost, calls).
 */

/** README "A first query". */
export const README_FIRST_QUERY = /* GraphQL */ `
  {
    farms(first: 5) {
      nodes {
        displayName
        queues(first: 5) {
          nodes {
            displayName
            status
            jobs(first: 3) {
              nodes {
                id
                farmId
                queueId
                jobId
                name
                lifecycleStatus
                taskRunStatus
                priority
                sessions(first: 5) {
                  pageInfo { hasNextPage endCursor }
                  nodes { lifecycleStatus startedAt endedAt worker { hostName } fleet { displayName } }
                }
              }
            }
          }
        }
      }
    }
  }
`;

/** The DataLoader example of the gateway-core issue: a job's first 100 sessions with fleet and worker. */
export const DATALOADER_EXAMPLE = /* GraphQL */ `
  query($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: 100) { nodes { fleet { displayName } worker { hostName } } }
    }
  }
`;

/** README "Inside a job": a job's detail page (steps, their dependencies, tasks and each task's latest run). */
export const README_JOB_DETAIL_QUERY = /* GraphQL */ `
  query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      name
      taskRunStatusCounts { status count }
      steps(first: 20) {
        nodes {
          name
          taskRunStatus
          dependencies { edges { status node { name } } }
          tasks(first: 100) {
            pageInfo { hasNextPage endCursor }
            nodes {
              taskId
              runStatus
              parameters { name value }
              latestSessionAction { status progressPercent startedAt endedAt processExitCode }
            }
          }
        }
      }
    }
  }
`;

/** README "Search": a farm's failed and canceled jobs since a date, newest first. */
export const README_SEARCH_QUERY = /* GraphQL */ `
  query FailedComp($farmId: ID!, $queueIds: [ID!]!) {
    farm(farmId: $farmId) {
      jobSearch(
        queueIds: $queueIds
        filter: { taskRunStatus: { in: [FAILED, CANCELED] }, createdAt: { gte: "2025-05-01T00:00:00Z" } }
        sort: [{ field: CREATED_AT, direction: DESC }]
        first: 20
      ) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { name taskRunStatus createdAt queue { displayName } }
      }
    }
  }
`;
