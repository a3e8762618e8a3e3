import { describe, expect, it } from 'vitest';
import { PlateTopics } from '../../src/lpr/plateTopics.js';
import { PullPointSession, type SessionReport } from '../../src/lpr/pullPointSession.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { FakeEventSource, flush } from './fakeEventSource.js';

function start(grantMs = 60_000, skewMs?: number) {
  const clock = FakeClock.at(Date.UTC(2026, 11, 5, 9));
  const events = new FakeEventSource(clock, grantMs, skewMs);
  const reports: SessionReport[] = [];
  const session = new PullPointSession({
    clock,
    log: silentLog(),
    events,
    plates: PlateTopics.withExtra([]),
    deviceXaddr: 'http://cam/onvif/device_service',
    tuning: {
      pullTimeoutSeconds: 10,
      subscriptionSeconds: 60,
      topicRecheckMs: 3_600_000,
      messageLimit: 100,
      retryInitialMs: 1000,
      retryMaxMs: 60_000,
    },
    report: (r) => reports.push(r),
  });
  const ctrl = new AbortController();
  const done = session.run(ctrl.signal);
  return { clock, events, reports, ctrl, done };
}

describe('PullPointSession', () => {
  it('counts plate reads, not Initialized states or other topics', async () => {
    const s = start();
    await flush();
    s.events.answer(3);
    await flush();
    s.events.answer(0);
    await flush();
    expect(
      s.reports.filter((r) => r.type === 'pulled').map((r) => (r.type === 'pulled' ? r.reads : -1)),
    ).toEqual([3, 0]);
    s.ctrl.abort();
    await s.done;
  });

  it.each([
    ['ahead', 3_600_000],
    ['behind', -3_600_000],
  ])(
    'renews before the granted lifetime runs out (camera clock an hour %s, in Renew too: review #2), never re-subscribes while healthy',
    async (_dir, skew) => {
      const s = start(60_000, skew);
      await flush();
      for (let i = 0; i < 12; i++) {
        s.clock.advance(10_000);
        s.events.answer(0);
        await flush();
      }
      // 120 s of pulls on a 60 s subscription: renewed whenever < 20 s (pull timeout + 10 s) remained,
      // at 50 s and 100 s, each for another 60 s: it never lapsed.
      expect(s.events.log.filter((l) => l.startsWith('renew'))).toHaveLength(2);
      expect(s.events.log.filter((l) => l.startsWith('subscribe'))).toEqual(['subscribe 1']);
      s.ctrl.abort();
      await s.done;
    },
  );

  it('a lost subscription (camera rebooted) is reported and re-created after the backoff', async () => {
    const s = start();
    await flush();
    s.events.fail();
    await flush();
    expect(s.reports.at(-1)).toMatchObject({ type: 'failed', code: 'ONVIF_FAULT' });
    expect(s.events.pending).toBe(0);
    s.clock.advance(1000);
    await flush();
    await flush();
    expect(s.events.log.filter((l) => l.startsWith('subscribe'))).toEqual(['subscribe 1', 'subscribe 2']);
    expect(s.reports.at(-1)).toMatchObject({ type: 'subscribed' });
    expect(s.events.pending).toBe(1);
    s.ctrl.abort();
    await s.done;
  });

  it('review #4: a camera answering empty pulls at once (ignoring Timeout) is not polled back to back', async () => {
    const s = start();
    s.events.instantEmpty = 100;
    await flush();
    await flush();
    const pulls = () => s.events.log.filter((l) => l.startsWith('pull')).length;
    expect(pulls()).toBe(1);
    // Half the 10 s long-poll between empty answers: 10 more in 50 s, not a hundred at once.
    for (let i = 0; i < 10; i++) {
      s.clock.advance(5000);
      await flush();
    }
    expect(pulls()).toBe(11);
    s.ctrl.abort();
    await s.done;
  });

  it('stop unsubscribes the live subscription', async () => {
    const s = start();
    await flush();
    s.ctrl.abort();
    await s.done;
    expect(s.events.log.at(-1)).toBe('unsubscribe sub_1');
  });

  it('no plate topic: said, no subscription, asked again only after topicRecheck', async () => {
    const s = start();
    s.events.topicList = ['tns1:VideoSource/MotionAlarm'];
    await flush();
    expect(s.reports).toEqual([{ type: 'noTopic', topics: 1 }]);
    s.clock.advance(3_599_000);
    await flush();
    expect(s.reports).toHaveLength(1);
    s.events.topicList.push('tnsvendor:Traffic/ANPR');
    s.clock.advance(1000);
    await flush();
    await flush();
    expect(s.reports.at(-1)).toEqual({ type: 'subscribed', plateTopics: ['tnsvendor:Traffic/ANPR'] });
    expect(s.events.log).toEqual(['subscribe 1', 'pull sub_1']);
    s.ctrl.abort();
    await s.done;
  });
});
