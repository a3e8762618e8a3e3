/**
 * Who may use the live server. It listens on 127.0.0.1, but any web page open in the technician's
 * browser can reach it: WebSockets are not bound by the same-origin policy (a page on
 * `http://evil.example` may open `ws://127.0.0.1:8090/video` and read the camera's video), and a
 * DNS-rebinding page can read `/` and `/status` under its own name. So a request must name us in
 * `Host` (a rebound page sends its own name), and a browser's video socket must come from our own
 * page (`Origin`, which browsers always send on a WebSocket handshake).
 *
 * `[::1]` is not among our names: the server listens on 127.0.0.1 only, so on the NVR a page at
 * `http://[::1]:<port>/` cannot reach it. Over `ssh -L` the laptop's end may listen on ::1 too, but
 * the URL we print (and the 421's text) is `http://127.0.0.1:<port>/`.
 */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];

/**
 * Our `name:port` pairs as a browser writes them: with `--port 80` (HTTP's default) a browser
 * leaves the port out of `Host` and `Origin` (RFC 9110 §7.2, RFC 6454 §6.2); a non-browser client
 * may still write `:80`.
 */
function ourHosts(port: number): string[] {
  const withPort = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
  return port === 80 ? [...withPort, ...LOOPBACK_NAMES] : withPort;
}

/** `Host` is `127.0.0.1:<port>` or `localhost:<port>` (the port in the page's URL; see README on `ssh -L`). */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  return ourHosts(port).includes(host.toLowerCase());
}

/**
 * `Origin` is exactly our page's: `http://127.0.0.1:<port>` or `http://localhost:<port>`. No
 * `Origin` at all is a non-browser client (a CLI tool, a test) on this host, which could read the
 * video anyway; those are allowed. `Origin: null` (a sandboxed or file page) is not ours.
 */
export function allowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return ourHosts(port).some((host) => o === `http://${host}`);
}
