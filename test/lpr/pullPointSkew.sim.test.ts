import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { EventClient } from '../../src/discovery/eventClient.js';
import { SoapClient } from '../../src/discovery/soapClient.js';
import { PlateTopics } from '../../src/lpr/plateTopics.js';
import { PullPointSession, type SessionReport } from '../../src/lpr/pullPointSession.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { testBase } from '../fixtures/sim/helpers.js';

/**
 * Review finding #2: a camera whose clock is an hour ahead of ours. Its Renew answer's
 * TerminationTime is on its clock; measured against ours the subscription looked an hour long,
 * was never renewed again, lapsed, and the camera went to error every minute.
 */
const PASSWORD = 'skew-Secret-7';
let site: SimSite;

beforeAll(async () => {
  site = await startSite({
    cameras: [
      {
        kind: 'lpr',
        id: 'ahead',
        // Its pulls carry no times (else each pull's CurrentTime/TerminationTime would repair a
        // wrong renewal): the lifetime comes from Renew alone.
        events: { platesPerMinute: 120, motionEverySeconds: 0, clockOffsetMs: 3_600_000, pullTimes: false },
      },
    ],
    baseAddress: testBase(173),
    discovery: false,
    onvifPort: 18730,
    rtspPort: 18731,
    password: PASSWORD,
  });
}, 120_000);
afterAll(() => site?.stop());

describe('PullPoint session against the simulator with a camera clock an hour ahead', () => {
  it('keeps one subscription alive by renewing on the camera clock: no failure, no re-subscription', async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('no sim camera');
    const soap = new SoapClient(
      { clock: systemClock, net: systemNet },
      {
        credential: { username: 'admin', password: PASSWORD, allowBasic: false },
        deadlineMs: 11_000,
        maxBytes: 1_000_000,
      },
    );
    const reports: SessionReport[] = [];
    const session = new PullPointSession({
      clock: systemClock,
      log: silentLog(),
      events: new EventClient(soap, cam.address),
      plates: PlateTopics.withExtra([]),
      deviceXaddr: cam.xaddr,
      // Renewed when < 11 s (pull timeout + 10 s) of the 15 s remain: ~every 4 s.
      tuning: {
        pullTimeoutSeconds: 1,
        subscriptionSeconds: 15,
        topicRecheckMs: 60_000,
        messageLimit: 100,
        retryInitialMs: 500,
        retryMaxMs: 1000,
      },
      report: (r) => reports.push(r),
    });
    const ctrl = new AbortController();
    const done = session.run(ctrl.signal);
    // Beyond the first lifetime (15 s) and one renewal's (another 15 s from ~4 s): a lapse shows.
    await systemClock.sleep(24_000);
    ctrl.abort();
    await done;
    expect(reports.filter((r) => r.type === 'failed')).toEqual([]);
    expect(reports.filter((r) => r.type === 'subscribed')).toHaveLength(1);
    const late = reports.slice(-10).filter((r) => r.type === 'pulled');
    expect(late.reduce((n, r) => n + (r.type === 'pulled' ? r.reads : 0), 0)).toBeGreaterThan(0);
  }, 60_000);
});
