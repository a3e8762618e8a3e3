import { describe, expect, it } from 'vitest';
import { cliBuilt } from '../helpers/cli.js';
import { runKillLoop } from '../helpers/killLoop.js';

/** The suite's short version of bench/killLoop.ts (>= 100 kills): 10 power cuts of the real daemon. */
describe.skipIf(!cliBuilt)(
  'kill -9 of the real daemon, 10 times, with a real broker and flapping cameras (built CLI)',
  () => {
    it('loses no committed event, reuses no seq, keeps the database sound, and rebuilds a torn file above the old seq', async () => {
      const r = await runKillLoop({ kills: 10, cameras: 3, minRunMs: 300, maxRunMs: 3500, fileOctet: 205 });
      // Every even kill waits for a running daemon (test/helpers/killLoop.ts).
      expect(r.runsStarted).toBeGreaterThanOrEqual(5);
      expect(r.quickCheckFailures).toBe(0);
      expect(r.eventsCommitted).toBeGreaterThan(0);
      expect(r.missingSeqs).toEqual([]);
      expect(r.committedNotReceived).toBe(0);
      expect(r.queuedAtOrBelowDrained).toBe(0);
      expect(r.seqCollisions).toBe(0);
      expect(r.rebuilt?.seq).toBeGreaterThan(r.maxSeq);
      expect(r.rebuilt?.missingTo).toBeGreaterThanOrEqual(r.maxSeq);
    }, 300_000);
  },
);
