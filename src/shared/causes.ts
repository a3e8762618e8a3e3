import type { CameraStatus } from './types.js';

/**
 * The one cause table (issue #12): every reason camgate gives for a camera that is not integrated,
 * and for an outage of the uplink, with its place in the "first broken link" chain, one line a
 * person understands and the technician's next step. integration.ts, `camgate status`/`why`, the
 * MQTT schema enum, the outage log and the report all read it; nothing else spells a cause.
 * Adding a cause here is additive for the centre (a minor version note in docs/mqtt.md).
 */

export interface CauseInfo {
  /** Link of camera → stream → recording → uplink that is broken. */
  readonly link: 'camera' | 'stream' | 'recording' | 'uplink';
  /** One line for the technician and the centre's operator. */
  readonly explanation: string;
  /** What to do next, on site or from the centre. */
  readonly nextStep: string;
}

/**
 * Integration causes, in the order of the first-broken-link chain: when several hold, the first in
 * this table is the one reported (a camera that cannot be reached is not also "recording stale").
 */
export const INTEGRATION_CAUSE_TABLE = {
  camera_offline: {
    link: 'camera',
    explanation: 'the camera does not answer on the network (no route, refused or timed out)',
    nextStep: 'check power, cable/PoE and switch port; `camgate probe CAMERA` says which layer fails',
  },
  unauthorized: {
    link: 'camera',
    explanation: 'the camera refuses our credentials (ONVIF or RTSP 401 / NotAuthorized)',
    nextStep: 'fix the password in `credentials` (or its passwordFile), then `camgate reload`',
  },
  stream_refused: {
    link: 'stream',
    explanation: 'the camera answers but refuses the stream (RTSP 404/454/503: wrong path, no session, busy)',
    nextStep: "check the stream path/profile and the camera's client limit; `camgate probe CAMERA`",
  },
  stream_stalled: {
    link: 'stream',
    explanation: 'the stream was set up but no new video frame arrives',
    nextStep: 'reboot the camera or check its encoder settings; `camgate why CAMERA` shows the last packet',
  },
  // Not a failure: no verdict yet. Its link is the stream (the one link camgate has not yet seen
  // work), and it sits after the stream's failures and before everything that presumes video
  // arrives (a degraded picture, a stale recording, "the camera is fine but the uplink is down").
  not_yet_seen: {
    link: 'stream',
    explanation:
      'camgate has not yet received video from this camera since it was added or since the daemon started: no verdict yet, not a failure',
    nextStep:
      'wait one check (health.stallSeconds); if it stays, `camgate why CAMERA` shows what discovery learnt (e.g. an ONVIF timeout: no stream URI yet) and `camgate probe CAMERA` tests the stream',
  },
  picture_degraded: {
    link: 'camera',
    explanation:
      'video arrives but the picture is unusable: dark, covered, blurred, turned away or frozen (`reasons` say which)',
    nextStep:
      '`camgate why CAMERA` shows the picture measures; clean, refocus or re-aim it on site, then `camgate picture reset CAMERA` after an intentional re-aim',
  },
  recording_stale: {
    link: 'recording',
    explanation: 'video arrives but no new recording segment has been written',
    nextStep: "check the recorder and the disk: `camgate why CAMERA` shows ffmpeg's last lines",
  },
  uplink_down: {
    link: 'uplink',
    explanation: 'the camera is fine but the gateway cannot reach the centre',
    nextStep: "check the site's comms line and contract, then `camgate doctor` (broker reachability)",
  },
} as const satisfies Record<string, CauseInfo>;

export type IntegrationCause = keyof typeof INTEGRATION_CAUSE_TABLE;

/** The causes in chain order (the MQTT schema's `cause` enum). */
export const INTEGRATION_CAUSES = Object.keys(INTEGRATION_CAUSE_TABLE) as [
  IntegrationCause,
  ...IntegrationCause[],
];

/** The first cause of `present` in chain order; undefined when none holds. */
export function firstCause(present: ReadonlySet<IntegrationCause>): IntegrationCause | undefined {
  return INTEGRATION_CAUSES.find((c) => present.has(c));
}

/** Why the gateway's own uplink was down (outages of kind `uplink`). */
export const UPLINK_OUTAGE_CAUSE_TABLE = {
  broker_unreachable: {
    link: 'uplink',
    explanation: 'the broker could not be reached (no route, refused, timed out, DNS)',
    nextStep: "check the site's comms line and its contract; `camgate doctor` tests broker reachability",
  },
  refused: {
    link: 'uplink',
    explanation: 'the broker refused this gateway (CONNACK not authorised, bad credentials or ACL)',
    nextStep: "check the gateway's MQTT username/password and the broker ACL for its topics",
  },
  tls_failure: {
    link: 'uplink',
    explanation: 'the TLS handshake with the broker failed (certificate, CA, clock or protocol)',
    nextStep: 'check mqtt.ca/cert/key, the certificate dates and the gateway clock',
  },
  centre_offline: {
    link: 'uplink',
    explanation: "the broker is reachable but the centre's handshake says it is not online",
    nextStep: 'ask the centre whether its ingest is running; nothing to do on site',
  },
} as const satisfies Record<string, CauseInfo>;

export type UplinkOutageCause = keyof typeof UPLINK_OUTAGE_CAUSE_TABLE;

export const UPLINK_OUTAGE_CAUSES = Object.keys(UPLINK_OUTAGE_CAUSE_TABLE) as [
  UplinkOutageCause,
  ...UplinkOutageCause[],
];

/** What a `degraded` reason means: the camera delivers video (integrated) but does not do its job. */
export interface DegradedReasonInfo {
  readonly explanation: string;
  readonly nextStep: string;
}

/**
 * Reasons that make a camera `degraded` without breaking integration (the centre still gets a
 * picture), read by `camgate why` and docs/mqtt.md. The reason token is the row's `reasons` entry.
 */
export const DEGRADED_REASON_TABLE = {
  lpr_no_reads: {
    explanation:
      'the LPR camera used to read plates in these hours and has read none for lpr.noReadPeriods of them (re-aimed, dirty, IR failed, analytics off)',
    nextStep:
      "look at the live picture (`camgate live CAMERA`): aim, focus, IR at night; check the camera's plate-recognition rule is enabled",
  },
} as const satisfies Record<string, DegradedReasonInfo>;

export type DegradedReason = keyof typeof DEGRADED_REASON_TABLE;

/** The explanation of a degraded reason token (`lpr_no_reads`, or with figures after a space). */
export function degradedReasonInfo(reason: string): DegradedReasonInfo | undefined {
  const token = reason.split(' ')[0] ?? '';
  return Object.hasOwn(DEGRADED_REASON_TABLE, token)
    ? DEGRADED_REASON_TABLE[token as DegradedReason]
    : undefined;
}

/** Explanation and next step of any cause camgate writes (integration or uplink outage); undefined if unknown. */
export function causeInfo(cause: string): CauseInfo | undefined {
  if (Object.hasOwn(INTEGRATION_CAUSE_TABLE, cause))
    return INTEGRATION_CAUSE_TABLE[cause as IntegrationCause];
  if (Object.hasOwn(UPLINK_OUTAGE_CAUSE_TABLE, cause))
    return UPLINK_OUTAGE_CAUSE_TABLE[cause as UplinkOutageCause];
  return undefined;
}

export const STALL_REASON = 'stream_stalled';

/** The camera answered, but refused the stream: `stream_refused 404` (status from the session's detail). */
export const REFUSED_REASON = 'stream_refused';

/**
 * The stream part of the integration cause (ARCHITECTURE.md: first broken link). Works from the
 * `health.transition` payload alone, so `integration.ts` needs no access to the reducer state,
 * and the centre gives a replayed `outage.start` (`to`, `reasons`) the cause the gateway gave.
 * `unknown` is not integrated (a camera never seen streaming delivers nothing to the centre) but
 * its cause is `not_yet_seen`, not `camera_offline`: up to 0.5.0 a camera just added, one that
 * answered ONVIF and timed out on GetProfiles, or every camera of a daemon just booted was told
 * to the operator as "does not answer on the network", which camgate had no evidence for.
 */
export function streamCauseOf(
  status: CameraStatus,
  reasons: readonly string[],
): IntegrationCause | undefined {
  switch (status) {
    case 'online':
    case 'degraded':
      return undefined;
    case 'unauthorized':
      return 'unauthorized';
    case 'offline':
      if (reasons.includes(STALL_REASON)) return 'stream_stalled';
      return reasons.some((r) => r.split(' ')[0] === REFUSED_REASON) ? 'stream_refused' : 'camera_offline';
    case 'unknown':
      return 'not_yet_seen';
  }
}
