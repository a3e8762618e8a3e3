/**
 * A camera's cause as its gateway published it. A gateway up to 0.5.0 published a camera it had
 * no verdict on (status `unknown`: just added, just booted, no stream URI) as `camera_offline`;
 * its status says what it is, so the centre shows and counts it as the 0.6 gateway names it:
 * `not_yet_seen`. One rule for the figures (figures.ts) and the site's camera list
 * (store/pictureRepo.ts `siteCameras`, the dashboard's), so the two never disagree.
 */
export function publishedCause(status: string, cause: string | null): string | null {
  if (status === 'unknown' && cause === 'camera_offline') return 'not_yet_seen';
  return cause;
}
