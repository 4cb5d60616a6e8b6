import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO-8601 UTC with milliseconds, as Deadline sends it (the SDK parses it to a Date; we print it back). */
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function serialize(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent this value.');
  return date.toISOString();
}

function parse(value: unknown): string {
  if (typeof value !== 'string' || !ISO_UTC_MS.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      'DateTime must be an ISO-8601 UTC string with milliseconds, e.g. 2026-11-27T09:15:02.123Z.',
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return value;
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 UTC date and time with milliseconds.',
  serialize,
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
