import type { RtspCredential } from './rtsp/rtspAuth.js';

/** One camera stream to watch; built by `app/` from inventory + config, plain data. */
export interface StreamTarget {
  readonly cameraId: string;
  /** rtsp:// URL without credentials. */
  readonly url: string;
  readonly credential?: RtspCredential;
  /** continuous: keep a session open; sampled: connect every intervalSeconds for durationSeconds. */
  readonly mode: 'continuous' | 'sampled';
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  /** config `cameras[].transport`; absent = auto (TCP, then UDP when refused; remembered). */
  readonly transport?: 'auto' | 'tcp' | 'udp';
}

export function sameTarget(a: StreamTarget, b: StreamTarget): boolean {
  return (
    a.url === b.url &&
    a.mode === b.mode &&
    a.intervalSeconds === b.intervalSeconds &&
    a.durationSeconds === b.durationSeconds &&
    (a.transport ?? 'auto') === (b.transport ?? 'auto') &&
    a.credential?.username === b.credential?.username &&
    a.credential?.password === b.credential?.password &&
    a.credential?.allowBasic === b.credential?.allowBasic
  );
}
