/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query FarmsList($first: Int = 25, $after: String, $queuesFirst: Int = 25) {\n  farms(first: $first, after: $after) {\n    pageInfo {\n      ...PageInfoFields\n    }\n    nodes {\n      id\n      farmId\n      displayName\n      queues(first: $queuesFirst) {\n        nodes {\n          id\n          queueId\n          displayName\n          status\n        }\n      }\n    }\n  }\n}": typeof types.FarmsListDocument,
    "query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 25, $after: String) {\n  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {\n    ...JobSummary\n    sessions(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...SessionSummary\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n}": typeof types.JobDetailDocument,
    "query QueueBoard($farmId: ID!, $queueId: ID!, $first: Int = 25, $after: String) {\n  queue(farmId: $farmId, queueId: $queueId) {\n    id\n    queueId\n    displayName\n    status\n    blockedReason\n    jobs(first: $first, after: $after) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      nodes {\n        ...JobSummary\n      }\n    }\n  }\n}": typeof types.QueueBoardDocument,
    "query SessionDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {\n  session(\n    farmId: $farmId\n    queueId: $queueId\n    jobId: $jobId\n    sessionId: $sessionId\n  ) {\n    ...SessionSummary\n    farmId\n    queueId\n    jobId\n    fleetId\n    workerId\n    updatedAt\n    targetLifecycleStatus\n    fleet {\n      id\n      fleetId\n      displayName\n    }\n    worker {\n      id\n      workerId\n      hostName\n      status\n    }\n    log {\n      ...LogFields\n    }\n  }\n}": typeof types.SessionDetailDocument,
    "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment JobSummary on Job {\n  id\n  farmId\n  queueId\n  jobId\n  name\n  lifecycleStatus\n  taskRunStatus\n  priority\n  createdAt\n  createdBy\n  startedAt\n  endedAt\n  taskRunStatusCounts {\n    status\n    count\n  }\n}\n\nfragment SessionSummary on Session {\n  id\n  sessionId\n  lifecycleStatus\n  startedAt\n  endedAt\n  worker {\n    id\n    hostName\n  }\n}\n\nfragment LogFields on LogConfiguration {\n  logDriver\n  options {\n    key\n    value\n  }\n  parameters {\n    key\n    value\n  }\n  error\n}": typeof types.PageInfoFieldsFragmentDoc,
};
const documents: Documents = {
    "query FarmsList($first: Int = 25, $after: String, $queuesFirst: Int = 25) {\n  farms(first: $first, after: $after) {\n    pageInfo {\n      ...PageInfoFields\n    }\n    nodes {\n      id\n      farmId\n      displayName\n      queues(first: $queuesFirst) {\n        nodes {\n          id\n          queueId\n          displayName\n          status\n        }\n      }\n    }\n  }\n}": types.FarmsListDocument,
    "query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 25, $after: String) {\n  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {\n    ...JobSummary\n    sessions(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...SessionSummary\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n}": types.JobDetailDocument,
    "query QueueBoard($farmId: ID!, $queueId: ID!, $first: Int = 25, $after: String) {\n  queue(farmId: $farmId, queueId: $queueId) {\n    id\n    queueId\n    displayName\n    status\n    blockedReason\n    jobs(first: $first, after: $after) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      nodes {\n        ...JobSummary\n      }\n    }\n  }\n}": types.QueueBoardDocument,
    "query SessionDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {\n  session(\n    farmId: $farmId\n    queueId: $queueId\n    jobId: $jobId\n    sessionId: $sessionId\n  ) {\n    ...SessionSummary\n    farmId\n    queueId\n    jobId\n    fleetId\n    workerId\n    updatedAt\n    targetLifecycleStatus\n    fleet {\n      id\n      fleetId\n      displayName\n    }\n    worker {\n      id\n      workerId\n      hostName\n      status\n    }\n    log {\n      ...LogFields\n    }\n  }\n}": types.SessionDetailDocument,
    "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment JobSummary on Job {\n  id\n  farmId\n  queueId\n  jobId\n  name\n  lifecycleStatus\n  taskRunStatus\n  priority\n  createdAt\n  createdBy\n  startedAt\n  endedAt\n  taskRunStatusCounts {\n    status\n    count\n  }\n}\n\nfragment SessionSummary on Session {\n  id\n  sessionId\n  lifecycleStatus\n  startedAt\n  endedAt\n  worker {\n    id\n    hostName\n  }\n}\n\nfragment LogFields on LogConfiguration {\n  logDriver\n  options {\n    key\n    value\n  }\n  parameters {\n    key\n    value\n  }\n  error\n}": types.PageInfoFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FarmsList($first: Int = 25, $after: String, $queuesFirst: Int = 25) {\n  farms(first: $first, after: $after) {\n    pageInfo {\n      ...PageInfoFields\n    }\n    nodes {\n      id\n      farmId\n      displayName\n      queues(first: $queuesFirst) {\n        nodes {\n          id\n          queueId\n          displayName\n          status\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query FarmsList($first: Int = 25, $after: String, $queuesFirst: Int = 25) {\n  farms(first: $first, after: $after) {\n    pageInfo {\n      ...PageInfoFields\n    }\n    nodes {\n      id\n      farmId\n      displayName\n      queues(first: $queuesFirst) {\n        nodes {\n          id\n          queueId\n          displayName\n          status\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 25, $after: String) {\n  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {\n    ...JobSummary\n    sessions(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...SessionSummary\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n}"): (typeof documents)["query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 25, $after: String) {\n  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {\n    ...JobSummary\n    sessions(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...SessionSummary\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query QueueBoard($farmId: ID!, $queueId: ID!, $first: Int = 25, $after: String) {\n  queue(farmId: $farmId, queueId: $queueId) {\n    id\n    queueId\n    displayName\n    status\n    blockedReason\n    jobs(first: $first, after: $after) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      nodes {\n        ...JobSummary\n      }\n    }\n  }\n}"): (typeof documents)["query QueueBoard($farmId: ID!, $queueId: ID!, $first: Int = 25, $after: String) {\n  queue(farmId: $farmId, queueId: $queueId) {\n    id\n    queueId\n    displayName\n    status\n    blockedReason\n    jobs(first: $first, after: $after) {\n      pageInfo {\n        ...PageInfoFields\n      }\n      nodes {\n        ...JobSummary\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SessionDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {\n  session(\n    farmId: $farmId\n    queueId: $queueId\n    jobId: $jobId\n    sessionId: $sessionId\n  ) {\n    ...SessionSummary\n    farmId\n    queueId\n    jobId\n    fleetId\n    workerId\n    updatedAt\n    targetLifecycleStatus\n    fleet {\n      id\n      fleetId\n      displayName\n    }\n    worker {\n      id\n      workerId\n      hostName\n      status\n    }\n    log {\n      ...LogFields\n    }\n  }\n}"): (typeof documents)["query SessionDetail($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {\n  session(\n    farmId: $farmId\n    queueId: $queueId\n    jobId: $jobId\n    sessionId: $sessionId\n  ) {\n    ...SessionSummary\n    farmId\n    queueId\n    jobId\n    fleetId\n    workerId\n    updatedAt\n    targetLifecycleStatus\n    fleet {\n      id\n      fleetId\n      displayName\n    }\n    worker {\n      id\n      workerId\n      hostName\n      status\n    }\n    log {\n      ...LogFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PageInfoFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment JobSummary on Job {\n  id\n  farmId\n  queueId\n  jobId\n  name\n  lifecycleStatus\n  taskRunStatus\n  priority\n  createdAt\n  createdBy\n  startedAt\n  endedAt\n  taskRunStatusCounts {\n    status\n    count\n  }\n}\n\nfragment SessionSummary on Session {\n  id\n  sessionId\n  lifecycleStatus\n  startedAt\n  endedAt\n  worker {\n    id\n    hostName\n  }\n}\n\nfragment LogFields on LogConfiguration {\n  logDriver\n  options {\n    key\n    value\n  }\n  parameters {\n    key\n    value\n  }\n  error\n}"): (typeof documents)["fragment PageInfoFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment JobSummary on Job {\n  id\n  farmId\n  queueId\n  jobId\n  name\n  lifecycleStatus\n  taskRunStatus\n  priority\n  createdAt\n  createdBy\n  startedAt\n  endedAt\n  taskRunStatusCounts {\n    status\n    count\n  }\n}\n\nfragment SessionSummary on Session {\n  id\n  sessionId\n  lifecycleStatus\n  startedAt\n  endedAt\n  worker {\n    id\n    hostName\n  }\n}\n\nfragment LogFields on LogConfiguration {\n  logDriver\n  options {\n    key\n    value\n  }\n  parameters {\n    key\n    value\n  }\n  error\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;