/**
 * List pages as a farm allow-list lets a request see them. Items of other farms (only a root list, ListFarms, can
 * hold any) are dropped from each page, and a page the filter empties is followed to the next non-empty one (or the
 * end of the chain) within the same fetch, so `resolveConnection` never sees a run of empty pages: pages stay
 * exactly `first` long, `hasNextPage` stays exact, and cursors (token + skip) stay valid, since replaying a token
 * with the same allow-list gives the same filtered page.
 */
import type { FarmAccess } from '../auth/farmAccess.js';
import { ErrorCode, gatewayError } from '../errors/codes.js';
import { farmOf } from '../ids/keys.js';
import type { PageRequest, UpstreamPage } from '../pagination/connection.js';

/** Upstream pages a filtered list follows past pages that the allow-list emptied, before giving up. */
const MAX_FILTERED_PAGES_FOLLOWED = 1000;

/** The page `request` asks for, as `access` lets the request see it; `fetch` makes the upstream call. */
export async function pagesAllowedBy<I extends { key: object }>(
  access: FarmAccess,
  fetch: (request: PageRequest) => Promise<UpstreamPage<I>>,
  request: PageRequest,
): Promise<UpstreamPage<I>> {
  if (!access.restricted) return fetch(request);
  if (access.allowsNothing) return { items: [] };
  let token = request.nextToken;
  let page = await fetch(request);
  for (let followed = 0; ; followed++) {
    const items = page.items.filter((item) => access.allows(farmOf(item.key)));
    const next = page.nextToken ? page.nextToken : undefined;
    if (items.length > 0 || next === undefined) return { items, nextToken: next };
    if (next === token || followed >= MAX_FILTERED_PAGES_FOLLOWED) {
      throw gatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `Deadline Cloud returned ${next === token ? 'the same pagination token twice' : 'too many pages'} while listing; the list cannot be paged. Retry later.`,
      );
    }
    token = next;
    page = await fetch({ nextToken: next, maxResults: request.maxResults, resumedFromCursor: false });
  }
}
