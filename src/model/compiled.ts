/**
 * Functions compiled from the registry's names (`new Function`), as graphql-jit compiles queries: object literals and
 * named property reads keep the hot paths (every list item, every key field) monomorphic. The names spliced into the
 * source must be identifiers; anything else is refused before it reaches the compiler.
 */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `new Function(...parameters, body)`, after checking that every name of `names` (`what` names them) is an identifier. */
export function compileWithNames<F>(
  what: string,
  names: readonly string[],
  parameters: readonly string[],
  body: string,
): F {
  const invalid = names.find((name) => !IDENTIFIER.test(name));
  if (invalid !== undefined) throw new Error(`not a ${what} name: ${JSON.stringify(invalid)}`);
  return new Function(...parameters, body) as F;
}
