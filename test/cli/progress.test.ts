import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';
import { systemClock } from '../../src/shared/clock.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('progressLine', () => {
  it('redraws one line in place on a terminal, with elapsed time, and clears it when done', () => {
    const err = sink();
    let t = 0;
    const p = progressLine({ stderr: err.stream, isTty: true, clock: systemClock }, true, () => t);
    p.update('discovering: probing and sweeping');
    t = 1500;
    p.update('discovering: 3/6');
    p.done();
    const first = 'discovering: probing and sweeping (0.0 s)';
    const second = 'discovering: 3/6 (1.5 s)';
    // The shorter second line is padded over the first; done() blanks the second.
    expect(err.text()).toBe(`\r${first}\r${second.padEnd(first.length)}\r${' '.repeat(second.length)}\r`);
  });

  it('writes nothing when not a terminal, or when the output is JSON', () => {
    for (const [isTty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const err = sink();
      const p = progressLine({ stderr: err.stream, isTty, clock: systemClock }, enabled);
      p.update('x');
      p.done();
      expect(err.text()).toBe('');
    }
  });
});
