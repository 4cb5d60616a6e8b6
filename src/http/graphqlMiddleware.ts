import { type ApolloServer, type BaseContext, type ContextFunction, HeaderMap } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Serves Apollo Server at an Express route: Apollo's documented integration contract (`executeHTTPGraphQLRequest`
 * with a HeaderMap and the parsed body), written here instead of taken from @as-integrations/express5 for what
 * happens after execution. That package answers with `res.send`, which hashes every body for an ETag and copies
 * it into a Buffer, a cost that grows with the page. Here a POST answer (never cacheable) is written as is. A GET answer (cacheable; see cacheControlPlugin) still goes through
 * `res.send`, so a CDN revalidating with If-None-Match gets Express's ETag and 304.
 *
 * Expects `express.json()` before it (the body is `req.body`).
 */
export function graphqlMiddleware<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  context: ContextFunction<[{ req: Request; res: Response }], TContext>,
): RequestHandler {
  server.assertStarted('graphqlMiddleware()');
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // What url.parse calls `search`: from '?' up to a fragment (clients do not send one; Node passes it through).
    const fragment = req.url.indexOf('#');
    const target = fragment < 0 ? req.url : req.url.slice(0, fragment);
    const query = target.indexOf('?');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        search: query < 0 ? '' : target.slice(query),
        body: req.body,
      },
      context: () => context({ req, res }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      const body = response.body.string;
      if (req.method === 'GET') {
        res.send(body);
        return;
      }
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
