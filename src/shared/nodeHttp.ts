import { createRequire } from 'node:module';

/**
 * `node:http`, required rather than imported. On Node 22+ an ESM import of `node:http` builds
 * its namespace from every export, and the lazy ones (WebSocket, EventSource, …) load undici:
 * ~70 ms of CPU in `camgate status` and ~5 MB more in the daemon's process (#14). The module
 * itself is the same object either way.
 */
export const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
