/** Strips secrets from free text (URLs with userinfo, Authorization values, password fields). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
/**
 * `user:pass@host` with no scheme: a URL cut before its `rtsp://` (a tail of ffmpeg's stderr),
 * or credentials typed bare. Only URL userinfo characters, standing at the start of a word and
 * followed by a host, so an e-mail address (no `:`), `"key":"a@b"` (quotes) or `[rtsp @ 0x1]`
 * (spaces) is left alone.
 */
const BARE_USERINFO = /(^|[\s"'(<[=,;])[\w.~%!*'()$&+-]+:[\w.~%!*'()$&+,;=:-]*@(?=[\w[])/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)\s*[:=][^\r\n]*/gi;
const PASSWORD_FIELD = /\b(password|passwd|pwd)(["']?\s*[:=]\s*["']?)[^"'\s,&}]+/gi;
const WSSE_PASSWORD = /(<(?:\w+:)?Password\b[^>]*>)[^<]*(<\/)/gi;

export function redactText(text: string): string {
  return text
    .replace(URL_USERINFO, '$1***@')
    .replace(BARE_USERINFO, '$1***@')
    .replace(AUTH_HEADER, '$1: ***')
    .replace(PASSWORD_FIELD, '$1$2***')
    .replace(WSSE_PASSWORD, '$1***$2');
}

/** A URL for logs and payloads: userinfo removed. */
export function safeUrl(url: string): string {
  return url.replace(URL_USERINFO, '$1');
}
