import { describe, expect, it } from 'vitest';
import { controlSocketFromText, DEFAULT_CONTROL_SOCKET } from '../../src/config/lightRead.js';
import { parseConfigText } from '../../src/config/load.js';

const BASE = 'site: { id: s1, name: "Site" }\ngateway: { id: gw-1 }\n';

/** The full parse's answer: the socket, or the field paths it names. */
function full(text: string): { socket: string } | { issues: string[] } {
  try {
    return { socket: parseConfigText(text).control.socket };
  } catch (err) {
    const issues = (err as { issues?: { path: string }[] }).issues;
    if (!issues) throw err;
    return { issues: issues.map((i) => i.path) };
  }
}

// Spellings the light read decides: it must give exactly what the full validation gives.
const DECIDED: [string, string, string][] = [
  ['flow', 'control: { socket: /run/x/c.sock }\n', '/run/x/c.sock'],
  ['flow, no spaces, comment', 'control: {socket: /run/x/c.sock} # the socket\n', '/run/x/c.sock'],
  ['flow, double-quoted with # and space', 'control: { socket: "/tmp/a b#c.sock" }\n', '/tmp/a b#c.sock'],
  ['flow, single-quoted', "control: { socket: '/tmp/q.sock' }\n", '/tmp/q.sock'],
  ['empty flow: the default', 'control: {}\n', DEFAULT_CONTROL_SOCKET],
  ['absent: the default', '', DEFAULT_CONTROL_SOCKET],
  ['block', 'control:\n  socket: /var/run/cg.sock\n', '/var/run/cg.sock'],
  [
    'block with comments, blank lines, CRLF, trailing space',
    'control: # where the CLI talks\r\n\r\n  # the path\r\n  socket: ./rel/cg.sock   \r\n',
    './rel/cg.sock',
  ],
  [
    'before other sections, sequences at column 0',
    'control:\n    socket: /a/b.sock\ncameras:\n- { id: c1, rtsp: "rtsp://127.0.0.1:1/s", class: overview }\n',
    '/a/b.sock',
  ],
  [
    'after an indented section',
    'mqtt:\n  url: "mqtt://127.0.0.1:1883"\ncontrol:\n  socket: /a/b.sock\n',
    '/a/b.sock',
  ],
];

// Spellings it must leave to the full validation (undefined), valid or not.
const UNDECIDED: [string, string][] = [
  ['empty socket', 'control: { socket: "" }\n'],
  ['a number', 'control: { socket: 42 }\n'],
  ['null', 'control: { socket: ~ }\n'],
  ['a word without a slash (could be true/null/.inf)', 'control: { socket: true }\n'],
  ['an unknown key in control', 'control: { sockt: /tmp/x.sock }\n'],
  ['a second key in the block', 'control:\n  socket: /a.sock\n  mode: 1\n'],
  ['a block with no value (null)', 'control:\n'],
  ['a multi-line plain scalar', 'control:\n  socket: /a/b\n    c\n'],
  ['a duplicate control key', 'control: { socket: /a }\ncontrol: { socket: /b }\n'],
  ['a merge key', 'defaults: &d { socket: /a }\ncontrol:\n  <<: *d\n'],
  ['an alias', 'x: &s /a/b\ncontrol: { socket: *s }\n'],
  ['a quoted top-level key', '"control": { socket: /a/b }\n'],
  ['a document marker', '---\ncontrol: { socket: /a/b }\n'],
  ['a tab', 'control:\n\tsocket: /a/b\n'],
  ['a flow root', '{ control: { socket: /a/b } }\n'],
  ['an item after a key with a value', 'cameras: []\n- control: { socket: /a/b }\n'],
  ['a column-0 continuation', 'cameras: [\n]\ncontrol: { socket: /a/b }\n'],
  ['control as a sequence', 'control:\n- /a/b\n'],
  ['an escape in double quotes', 'control: { socket: "/a\\tb" }\n'],
  ['a space before the colon', 'control : { socket: /a/b }\n'],
];

describe('light read of control.socket (#14: status without yaml and zod)', () => {
  it("keeps the schema's default socket", () => {
    expect(full(BASE)).toEqual({ socket: DEFAULT_CONTROL_SOCKET });
  });

  it.each(DECIDED)('decides %s, exactly as the full validation', (_name, yaml, socket) => {
    const text = BASE + yaml;
    expect(controlSocketFromText(text)).toBe(socket);
    expect(full(text)).toEqual({ socket });
  });

  it.each(UNDECIDED)('leaves %s to the full validation', (_name, yaml) => {
    expect(controlSocketFromText(BASE + yaml)).toBeUndefined();
  });

  it('leaves an empty file, one of comments only or a sequence root to the full validation', () => {
    expect(controlSocketFromText('')).toBeUndefined();
    expect(controlSocketFromText('# nothing yet\n\n')).toBeUndefined();
    expect(controlSocketFromText('- control: { socket: /a/b }\n')).toBeUndefined();
  });

  it('names control.socket when the value is bad, for the full validation the caller falls back to', () => {
    expect(full(`${BASE}control: { socket: "" }\n`)).toEqual({ issues: ['control.socket'] });
    expect(full(`${BASE}control: { socket: 42 }\n`)).toEqual({ issues: ['control.socket'] });
    expect(full(`${BASE}control: { sockt: /tmp/x.sock }\n`)).toEqual({ issues: ['control.sockt'] });
  });
});
