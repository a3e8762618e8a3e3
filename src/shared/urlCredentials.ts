/** A user name and password to put in a URL's userinfo. */
export interface UrlCredential {
  readonly username: string;
  readonly password: string;
}

/**
 * `rtspUrl` with the credential in its userinfo, for ffmpeg's argv only: the result carries the
 * password, so it never goes to a log, a page or an event (use `safeUrl` for those). Each part is
 * percent-encoded whole (`encodeURIComponent`): the URL setters leave `%` as it is, so a password
 * like `p%41ss` would reach the camera as `pAss`.
 */
export function withCredentials(rtspUrl: string, credential: UrlCredential | undefined): string {
  if (!credential) return rtspUrl;
  const url = new URL(rtspUrl);
  url.username = encodeURIComponent(credential.username);
  url.password = encodeURIComponent(credential.password);
  return url.toString();
}
