import {
  type ASTNode,
  type FieldNode,
  GraphQLError,
  type GraphQLOutputType,
  getNullableType,
  isListType,
  Kind,
} from 'graphql';

/**
 * Where an error found before execution points, so a client (GraphiQL) can show it on the right field: `path` is the
 * field's response path as execution would report it (response keys, so aliases, as spread: a field inside a
 * fragment has the path of the spread's field), and `locations` (from AST nodes) the argument to blame, or the field.
 *
 * Under a list, execution's paths carry each item's index, which does not exist before execution: the path stops
 * at the outermost list field above (`farms { nodes { queues(first: 101) } }` → `['farms', 'nodes']`), the prefix
 * every item's path shares; `locations` still points at the argument or field itself.
 */
export interface ResponseSite {
  readonly key?: string;
  readonly parent?: ResponseSite;
  /** A list field is on the path: fields below report the path of the outermost one. */
  readonly underList: boolean;
}

export const ROOT_SITE: ResponseSite = { underList: false };

/** The site of a field (its response key, its type) selected at `parent`. */
export function fieldSite(
  parent: ResponseSite,
  responseKey: string,
  type: GraphQLOutputType | undefined,
): ResponseSite {
  if (parent.underList) return parent;
  return { key: responseKey, parent, underList: type !== undefined && isListType(getNullableType(type)) };
}

/** The response path of a site (empty at the root). */
export function pathOf(site: ResponseSite): string[] {
  const path: string[] = [];
  for (let at: ResponseSite | undefined = site; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** `error` again, at `nodes` (its `locations`) and `path` (none when empty), with its message and extensions. */
export function located(
  error: GraphQLError,
  nodes: ASTNode | readonly ASTNode[],
  path: readonly string[] = [],
  message = error.message,
): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    ...(path.length > 0 ? { path } : {}),
    extensions: error.extensions,
    ...(error.originalError ? { originalError: error.originalError } : {}),
  });
}

/**
 * `error` located at its argument of `field` (`argumentName`, by default the error's `extensions.argumentName`:
 * `after`, or `ids[2]` for one item of a list): at the list item when the list is written in the document,
 * otherwise at the argument; at the field when the argument is not written (a default value). A value that comes
 * from a variable is named in the message, since the document shows only the variable.
 */
export function atArgument(
  error: GraphQLError,
  field: FieldNode,
  site: ResponseSite,
  argumentName = error.extensions.argumentName,
): GraphQLError {
  const [, name, index] = /^([^[]*)(?:\[(\d+)\])?$/.exec(String(argumentName ?? '')) ?? [];
  const argument = field.arguments?.find((node) => node.name.value === name);
  if (!argument) return located(error, field, pathOf(site));
  const item =
    index !== undefined && argument.value.kind === Kind.LIST
      ? argument.value.values[Number(index)]
      : undefined;
  const value = item ?? argument.value;
  const message =
    value.kind === Kind.VARIABLE
      ? `${error.message} The value of \`${name}\` came from the variable \`$${value.name.value}\`.`
      : error.message;
  return located(error, item ?? argument, pathOf(site), message);
}
