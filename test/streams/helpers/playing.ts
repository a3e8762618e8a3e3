import type { RtspSession } from '../../../src/streams/rtsp/rtspSession.js';

const POLL_MS = 20;

/**
 * Resolves once the session is playing; rejects as soon as it closes instead, or, given the peer
 * (a `GstServer`), as soon as that peer dies on its own, with the peer's last stderr lines.
 */
export function playing(s: RtspSession, peer?: { readonly died: Promise<Error> }): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (s.phase === 'playing') resolve();
      else if (s.phase === 'closed') reject(new Error(`closed: ${s.closeError?.message}`));
      else return;
      clearInterval(check);
    }, POLL_MS);
    void peer?.died.then((err) => {
      clearInterval(check);
      reject(err);
    });
  });
}
