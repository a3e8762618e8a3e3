import type { CamgateError } from '../../shared/errors.js';

/** How an RTSP session ended; the monitor maps these to `stream.sample` kinds. */
export type CloseReason =
  | 'stopped'
  | 'unauthorized'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'protocol'
  | 'stall'
  | 'eof';

export type SessionPhase =
  | 'idle'
  | 'connecting'
  | 'options'
  | 'describe'
  | 'setup'
  | 'play'
  | 'playing'
  | 'closed';

/** A connect failure is 'unreachable'; the same socket error after connecting is the server ending it. */
export function reasonFor(err: CamgateError, phase: SessionPhase): CloseReason {
  switch (err.code) {
    case 'RTSP_AUTH':
      return 'unauthorized';
    case 'RTSP_REFUSED':
      return 'refused';
    case 'RTSP_TIMEOUT':
      return 'timeout';
    case 'RTSP_CONNECT':
      return phase === 'connecting' ? 'unreachable' : 'eof';
    default:
      return 'protocol';
  }
}
