import type { EventSource } from '../../src/lpr/pullPointSession.js';
import { CamgateError } from '../../src/shared/errors.js';
import type { FakeClock } from '../helpers/fakeClock.js';

type Pulled = Awaited<ReturnType<EventSource['pull']>>;
const PLATE = 'tns1:RuleEngine/Recognition/LicensePlate';

/**
 * A camera's event service for unit tests of the session and the service (the real one is the
 * simulator, test/lpr/lprReadRate.sim.test.ts): pulls wait until the test answers them.
 */
export class FakeEventSource implements EventSource {
  topicList: string[] = [PLATE, 'tns1:VideoSource/MotionAlarm'];
  readonly log: string[] = [];
  private waiting: { resolve: (r: Pulled) => void; reject: (e: unknown) => void }[] = [];
  private sub = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly grantMs = 60_000,
    /** The camera's clock minus ours (an hour ahead unless a test says otherwise). */
    private readonly skewMs = 3_600_000,
  ) {}

  async serviceUrl(): Promise<string> {
    return 'http://cam/onvif/event_service';
  }
  async topics(): Promise<string[]> {
    return this.topicList;
  }
  async subscribe(): Promise<{ address: string; currentTime: number; terminationTime: number }> {
    this.sub += 1;
    this.log.push(`subscribe ${this.sub}`);
    // The camera's clock is off ours: only the granted span may be used.
    const cam = this.clock.now() + this.skewMs;
    return { address: `http://cam/sub_${this.sub}`, currentTime: cam, terminationTime: cam + this.grantMs };
  }
  /** The next this many pulls are answered at once with no message (a camera ignoring Timeout). */
  instantEmpty = 0;

  pull(url: string, _t: number, _l: number, signal?: AbortSignal): Promise<Pulled> {
    this.log.push(`pull ${url.slice(-5)}`);
    if (this.instantEmpty > 0) {
      this.instantEmpty -= 1;
      return Promise.resolve({ messages: [] });
    }
    return new Promise((resolve, reject) => {
      // Removed once the pull settles, as a real request's is: one service signal sees every pull.
      const onAbort = (): void => reject(new CamgateError('ONVIF_TIMEOUT', 'aborted'));
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.waiting.push({
        resolve: (r) => {
          settle();
          resolve(r);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async renew(url: string): Promise<{ currentTime: number; terminationTime: number }> {
    this.log.push(`renew ${url.slice(-5)}`);
    // Skewed as subscribe is: the granted end is on the camera's clock.
    const cam = this.clock.now() + this.skewMs;
    return { currentTime: cam, terminationTime: cam + this.grantMs };
  }
  async unsubscribe(url: string): Promise<void> {
    this.log.push(`unsubscribe ${url.slice(-5)}`);
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** Answers the oldest waiting pull with `plates` plate reads (plus one Initialized plate-topic state, never a read). */
  answer(plates: number): void {
    const w = this.waiting.shift();
    if (!w) throw new Error('no pull waiting');
    const messages = [
      { topic: PLATE, operation: 'Initialized' },
      ...Array.from({ length: plates }, () => ({ topic: PLATE })),
      { topic: 'tns1:VideoSource/MotionAlarm', operation: 'Changed' },
    ];
    w.resolve({ messages });
  }

  /** Fails the oldest waiting pull as a rebooted camera does (its subscription is gone). */
  fail(): void {
    this.waiting.shift()?.reject(new CamgateError('ONVIF_FAULT', 'PullMessages: ResourceUnknownFault'));
  }
}

/** Lets promise chains settle between fake-clock steps. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
