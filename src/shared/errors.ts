/** Stable error codes: CLI output, logs and `camgate why` quote them; never rename one. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'STORE_OPEN'
  | 'STORE_CORRUPT'
  | 'CONTROL_UNAVAILABLE'
  | 'USAGE'
  | 'ONVIF_AUTH'
  | 'ONVIF_TIMEOUT'
  | 'ONVIF_MALFORMED'
  | 'ONVIF_TOO_LARGE'
  | 'ONVIF_FAULT'
  | 'ONVIF_UNSUPPORTED'
  | 'RTSP_CONNECT'
  | 'RTSP_TIMEOUT'
  | 'RTSP_AUTH'
  | 'RTSP_REFUSED'
  | 'RTSP_PROTOCOL'
  | 'RTSP_TOO_LARGE'
  /** Keyframes came but every one lost a packet (a lossy link): a concealing decoder may still do. */
  | 'RTSP_LOSSY'
  | 'MQTT'
  | 'FFMPEG'
  | 'SNAPSHOT'
  | 'BUSY'
  | 'INTERNAL';

export class CamgateError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CamgateError';
    this.code = code;
  }
}

/** Exit 2 class: the user gave us something we cannot accept. */
export class UsageError extends CamgateError {
  constructor(message: string, code: ErrorCode = 'USAGE', options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'UsageError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
