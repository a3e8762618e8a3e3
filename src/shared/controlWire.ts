/**
 * What the daemon's control socket (app/control.ts) and the CLI's client (cli/controlClient.ts)
 * agree on beyond plain HTTP + JSON. Constants only: the CLI's `status` path loads this file.
 */

/**
 * `GET …?indent=2` (this parameter, the value 2): the daemon sends its answer as
 * `JSON.stringify(value, null, 2)`, the bytes `camgate status --json` prints, so the CLI passes
 * them on instead of parsing ~360 kB and encoding ~570 kB again at 1,024 cameras (issue #14).
 * A daemon older than this ignores the parameter.
 */
export const INDENT_PARAM = 'indent';

/** Set on an answer indented as `INDENT_PARAM` asks: an older daemon's compact answer lacks it. */
export const INDENTED_HEADER = 'camgate-json-indent';
