/**
 * Who may use the live server. It listens on 127.0.0.1, but any web page open in the technician's
 * browser can reach it: WebSockets are not bound by the same-origin policy (a page on
 * `http://evil.example` may open `ws://127.0.0.1:8090/video` and read the camera's video), and a
 * DNS-rebinding page can read `/` and `/status` under its own name. So a request must name us in
 * `Host` (a rebound page sends its own name), and a browser's video socket must come from our own
 * page (`Origin`, which browsers always send on a WebSocket handshake).
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];

/** `Host` is `127.0.0.1:<port>` or `localhost:<port>` (the port in the page's URL; see README on `ssh -L`). */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.some((name) => h === `${name}:${port}`);
}

/**
 * `Origin` is exactly our page's: `http://127.0.0.1:<port>` or `http://localhost:<port>`. No
 * `Origin` at all is a non-browser client (a CLI tool, a test) on this host, which could read the
 * video anyway; those are allowed.
 */
export function allowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return LOOPBACK_NAMES.some((name) => o === `http://${name}:${port}`);
}
