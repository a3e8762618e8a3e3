import { CamgateError } from '../../shared/errors.js';
import { parseTransport, type TransportHeader } from './rtspHeaders.js';
import type { RtspMessage } from './rtspMessage.js';
import type { RtspRequest } from './rtspRequest.js';
import type { UdpPortPair } from './udpPortPool.js';

/** How RTP reaches us: interleaved in the RTSP connection, or RTP/AVP over UDP to bound ports. */
export type RtpTransport = 'tcp' | 'udp';

export interface SetupRequester {
  request(req: Omit<RtspRequest, 'cseq'>, timeoutMs: number): Promise<RtspMessage>;
}

export interface SetupResult {
  readonly transport: RtpTransport;
  readonly response: RtspMessage;
  readonly answer: TransportHeader | undefined;
  /** UDP: the bound pair the camera sends to (the caller releases it). */
  readonly pair?: UdpPortPair;
}

const UNSUPPORTED_TRANSPORT = 461;

/**
 * SETUP of the video stream, trying `order` in turn. The next transport is tried when the server
 * answers 461 Unsupported Transport (RFC 2326 11.4.17), or answers 200 with a Transport other than
 * the one asked for; then the retry carries that answer's Session so the server changes the
 * transport of the session it made (RFC 2326 10.4) instead of holding a second one.
 */
export async function setupVideo(
  client: SetupRequester,
  url: string,
  order: readonly RtpTransport[],
  timeoutMs: number,
  openPorts: () => Promise<UdpPortPair>,
): Promise<SetupResult> {
  if (order.length === 0) throw new CamgateError('RTSP_PROTOCOL', 'no RTP transport to try');
  let sessionId: string | undefined;
  let refused = '';
  for (const [i, transport] of order.entries()) {
    const last = i === order.length - 1;
    const pair = transport === 'udp' ? await openPorts() : undefined;
    let response: RtspMessage;
    try {
      response = await client.request(
        {
          method: 'SETUP',
          url,
          headers: {
            Transport: transportSpec(transport, pair),
            ...(sessionId ? { Session: sessionId } : {}),
          },
        },
        timeoutMs,
      );
    } catch (err) {
      pair?.release();
      throw err;
    }
    const value = response.headers.get('transport');
    const answer = parseTransport(value);
    const ok = response.status >= 200 && response.status < 300;
    if (ok && answers(transport, answer)) return { transport, response, answer, pair };
    pair?.release();
    const why = ok
      ? `SETUP for ${transport} answered with Transport "${value ?? ''}"`
      : `server answered ${response.status} ${response.reason}`;
    if (last || !(ok || response.status === UNSUPPORTED_TRANSPORT)) {
      throw new CamgateError('RTSP_PROTOCOL', refused ? `${refused}; then ${why}` : why);
    }
    refused = `${transport} refused (${why})`;
    if (ok) sessionId = response.headers.get('session')?.split(';')[0]?.trim() || undefined;
  }
  throw new CamgateError('RTSP_PROTOCOL', refused);
}

export function transportSpec(transport: RtpTransport, pair: UdpPortPair | undefined): string {
  if (transport === 'tcp' || !pair) return 'RTP/AVP/TCP;unicast;interleaved=0-1';
  return `RTP/AVP;unicast;client_port=${pair.rtpPort}-${pair.rtpPort + 1}`;
}

/**
 * Whether the answer is the transport asked for. A missing Transport header is taken as agreement
 * (cameras that omit it stream as asked); an explicit other lower transport or multicast is not.
 */
function answers(asked: RtpTransport, answer: TransportHeader | undefined): boolean {
  if (!answer) return true;
  // "RTP/AVP;unicast;interleaved=0-1" without the /TCP: interleaved says it all.
  if (asked === 'tcp') return answer.tcp || answer.interleaved !== undefined;
  return !answer.tcp && !answer.multicast;
}
