/** Strips secrets from free text (URLs with userinfo, Authorization values, password fields). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)\s*[:=][^\r\n]*/gi;
const PASSWORD_FIELD = /\b(password|passwd|pwd)(["']?\s*[:=]\s*["']?)[^"'\s,&}]+/gi;
const WSSE_PASSWORD = /(<(?:\w+:)?Password\b[^>]*>)[^<]*(<\/)/gi;

export function redactText(text: string): string {
  return text
    .replace(URL_USERINFO, '$1***@')
    .replace(AUTH_HEADER, '$1: ***')
    .replace(PASSWORD_FIELD, '$1$2***')
    .replace(WSSE_PASSWORD, '$1***$2');
}

/** A URL for logs and payloads: userinfo removed. */
export function safeUrl(url: string): string {
  return url.replace(URL_USERINFO, '$1');
}
