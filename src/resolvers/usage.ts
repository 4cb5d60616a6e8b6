import type { FarmResolvers, UsageRowResolvers } from '../__generated__/resolvers-types.js';
import { usageAggregationsOf } from '../usage/usageAggregations.js';
import { prepareUsage } from '../usage/usageRequest.js';

/** `Farm.usage`: the farm's usage statistics (src/usage/, docs/design/usage.md). */
export const FarmUsage: Pick<FarmResolvers, 'usage'> = {
  usage: (farm, { input }, ctx) =>
    usageAggregationsOf(ctx.upstream.client).report(
      ctx.upstream,
      prepareUsage((farm as { key: { farmId: string } }).key.farmId, input),
    ),
};

/** A row's period, under the names the schema gives it. */
export const UsageRow: UsageRowResolvers = {
  startTime: (row) => row.aggregationStartTime ?? null,
  endTime: (row) => row.aggregationEndTime ?? null,
};
