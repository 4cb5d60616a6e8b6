import type { PageInfoResolvers } from '../__generated__/resolvers-types.js';

/** `hasNextPage` may need one more upstream call (see pagination/connection.ts): it is made only when selected. */
export const PageInfo: PageInfoResolvers = {
  hasNextPage: (pageInfo) => pageInfo.hasNextPage(),
};
