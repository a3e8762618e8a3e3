/**
 * The light read of a config file for the commands that only talk to the running daemon (`status`,
 * `reload`, `cameras`): where the config is, and its `control.socket`, without loading the YAML
 * parser, zod and the schema (~450 ms of a `camgate status` process on a loaded 2-core box, and a
 * YAML parse of every camera line, issue #14). It imports nothing but `node:fs`.
 *
 * It answers only for the plain spellings of a top-level `control` section and says "cannot
 * decide" (undefined) for anything else; the caller then runs the full validation (load.ts),
 * which names the bad field and exits 2. It never rejects a file by itself.
 */
import fs from 'node:fs';

export const DEFAULT_CONFIG_PATH = '/etc/camgate/camgate.yaml';

/** The schema's default for `control.socket` (test/config/lightRead.test.ts keeps the two equal). */
export const DEFAULT_CONTROL_SOCKET = '/run/camgate/control.sock';

/** `--config`, then `$CAMGATE_CONFIG`, then the system path. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.CAMGATE_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/** The file's `control.socket`, or undefined when the file cannot be read or the light read cannot decide. */
export function readControlSocketLight(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // The full load reports an unreadable file with its own error (CONFIG_NOT_FOUND, exit 2).
    return undefined;
  }
  return controlSocketFromText(text);
}

// A socket path as a plain scalar: no YAML indicator, quote, comma, bracket, space or `#`, and a
// `/` in it so it can never be read as a number, a boolean, null, `~` or `.inf`.
const PLAIN = String.raw`(?=\S*/)[A-Za-z0-9_.~/][A-Za-z0-9_.~/@+=-]*`;
const VALUE = String.raw`(?:"([^"\\]*)"|'([^']*)'|(${PLAIN}))`;
const COMMENT = String.raw`(?:\s+#.*)?\s*`;
const FLOW_LINE = new RegExp(String.raw`^control:\s*\{\s*(?:socket:\s+${VALUE}\s*)?\}${COMMENT}$`);
const BLOCK_HEAD = new RegExp(`^control:${COMMENT}$`);
const BLOCK_SOCKET = new RegExp(String.raw`^([ ]+)socket:\s+${VALUE}${COMMENT}$`);
/** Lines that may hide or move a top-level key from a line scanner: directives, document markers, tabs, complex/merge/quoted keys, flow roots. */
const UNSURE_LINE = /^(?:%|---|\.\.\.|\t|\?|<<|["'{[]|control\b(?!:))/;
/** What a column-0 line of a block-mapping config is: a `key:` or an item of the sequence above it. */
const TOP_KEY = /^[A-Za-z_][A-Za-z0-9_-]*:(?:\s|$)/;
const TOP_ITEM = /^-(?:\s|$)/;
const OPEN_KEY = /^[^:]+:\s*(?:#.*)?$/;

/** Pure part of the light read (table-tested against the full parse). */
export function controlSocketFromText(text: string): string | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split(/\r?\n/);
  let at = -1;
  let keys = 0;
  let open = false; // the last top-level key has no value on its line: column-0 `- ` items may follow
  for (const [i, line] of lines.entries()) {
    if (UNSURE_LINE.test(line)) return undefined;
    if (line === '' || /^\s/.test(line) || line.startsWith('#')) continue;
    if (TOP_ITEM.test(line) && open) continue;
    if (!TOP_KEY.test(line)) return undefined; // not a block mapping at the root, or a column-0 continuation
    keys++;
    open = OPEN_KEY.test(line);
    if (line.startsWith('control:')) {
      if (at >= 0) return undefined; // a duplicate key: the full parse names it
      at = i;
    }
  }
  if (keys === 0) return undefined;
  if (at < 0) return DEFAULT_CONTROL_SOCKET;
  const head = lines[at] as string;
  const flow = FLOW_LINE.exec(head);
  if (flow) {
    const given = flow.slice(1, 4);
    return given.every((v) => v === undefined) ? DEFAULT_CONTROL_SOCKET : pick(given);
  }
  if (!BLOCK_HEAD.test(head)) return undefined;
  return blockSocket(lines, at + 1);
}

/** `control:` then exactly one indented `socket: VALUE` line (blank and comment lines aside). */
function blockSocket(lines: readonly string[], from: number): string | undefined {
  let socket: string | undefined;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    if (!/^\s/.test(line)) break; // the next top-level key
    const m = BLOCK_SOCKET.exec(line);
    if (!m || socket !== undefined) return undefined; // another key, deeper nesting or a second line
    socket = pick(m.slice(2, 5));
    if (socket === undefined) return undefined;
  }
  return socket;
}

/** An empty string is invalid (`min(1)`): the full validation says so. */
function pick(alternatives: readonly (string | undefined)[]): string | undefined {
  const value = alternatives.find((v) => v !== undefined);
  return value ? value : undefined;
}
