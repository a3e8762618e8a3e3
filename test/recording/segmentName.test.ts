import { describe, expect, it } from 'vitest';
import { segmentStartMs } from '../../src/recording/segmentName.js';

describe('segmentStartMs', () => {
  it.each([
    ['20261121T001208+0000.ts', '2026-11-21T00:12:08.000Z'],
    ['20261121T021208+0200.ts', '2026-11-21T00:12:08.000Z'],
    ['20261120T193208-0440.ts', '2026-11-21T00:12:08.000Z'],
  ])('%s starts at %s whatever the box timezone was', (name, iso) => {
    expect(new Date(segmentStartMs(name) ?? 0).toISOString()).toBe(iso);
  });

  it.each(['20261121T001208.ts', 'notes.txt', '20261121T001208+0000.mp4', '20261121T001208+0000.ts.tmp'])(
    'ignores %s (not one of our segments)',
    (name) => {
      expect(segmentStartMs(name)).toBeUndefined();
    },
  );
});
