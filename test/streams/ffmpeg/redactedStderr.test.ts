import { describe, expect, it } from 'vitest';
import { RedactedStderr, STDERR_KEPT, STDERR_LINE_MAX } from '../../../src/streams/ffmpeg/redactedStderr.js';

const URL_TEXT = 'rtsp://admin:Chunk-Secret-4@10.1.2.3/stream';
const fed = (...chunks: string[]): RedactedStderr => {
  const s = new RedactedStderr();
  for (const c of chunks) s.push(c);
  return s;
};

describe('RedactedStderr (pure)', () => {
  it('redacts a URL that arrives split between chunks, and a line still being written', () => {
    const s = fed('[rtsp @ 0x1] ', URL_TEXT.slice(0, 17), `${URL_TEXT.slice(17)}: 401\nlast `, URL_TEXT);
    expect(s.text()).toBe('[rtsp @ 0x1] rtsp://***@10.1.2.3/stream: 401\nlast rtsp://***@10.1.2.3/stream');
    expect(s.why()).toBe('[rtsp @ 0x1] rtsp://***@10.1.2.3/stream: 401 last rtsp://***@10.1.2.3/stream');
  });

  it('keeps at most 2 kB, its end, and no empty lines ("\\r\\n" or "\\r" end a line)', () => {
    const s = fed(`${'x'.repeat(3000)} ${URL_TEXT}\r\n\r\n`, 'frame=1\rframe=2\r', 'done\n');
    expect(s.text()).toHaveLength(STDERR_KEPT);
    expect(s.text().endsWith(' rtsp://***@10.1.2.3/stream\nframe=1\nframe=2\ndone\n')).toBe(true);
    expect(s.why()).toBe('frame=2 done');
  });

  it('leaves out a line over the line bound (a flood), says so, and keeps the lines after it', () => {
    const flood = `${'y'.repeat(STDERR_LINE_MAX - 10)}${URL_TEXT}${'y'.repeat(100)}`;
    const s = fed('before\n', flood.slice(0, 40_000), flood.slice(40_000), '\nafter');
    expect(s.text()).toBe(`before\n(a stderr line over ${STDERR_LINE_MAX} characters left out)\nafter`);
    expect(s.text()).not.toContain('Chunk-Secret');
  });

  it('a flood still being written at the end is named, not kept', () => {
    const s = fed('before\n', 'z'.repeat(STDERR_LINE_MAX + 1));
    expect(s.why()).toBe(`before (a stderr line over ${STDERR_LINE_MAX} characters left out)`);
  });
});
