import type { Logger } from '../log/logger';

/** The parts of a `vscode.Uri` the router reads. */
export interface RoutedUri {
  readonly path: string;
  readonly query: string;
}

/**
 * One URI handler for the extension, sending each link to the handler of
 * its path (`/auth-callback` to sign-in, `/open` to deep links). An unknown
 * path is logged by its path only: a query may carry anything.
 */
export function uriRouter<U extends RoutedUri>(routes: Readonly<Record<string, (uri: U) => void>>, log: Logger): { handleUri(uri: U): void } {
  return {
    handleUri(uri: U): void {
      const route = Object.prototype.hasOwnProperty.call(routes, uri.path) ? routes[uri.path] : undefined;
      if (!route) {
        log.warn(`Ignored a link to an unknown path: ${uri.path}`);
        return;
      }
      route(uri);
    },
  };
}
