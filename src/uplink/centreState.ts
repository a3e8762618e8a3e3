import type { CentreState } from '../shared/types.js';

/**
 * The centre's retained state, as either `{"state":"online",...}` or the bare word `online`.
 * Anything else counts as not online: a garbled handshake must not claim integration.
 */
export function parseCentreState(body: Buffer): CentreState {
  const text = body.toString('utf8').trim();
  if (text.length === 0) return 'offline';
  let word: unknown = text;
  if (text.startsWith('{')) {
    try {
      word = (JSON.parse(text) as { state?: unknown }).state;
    } catch {
      return 'unknown';
    }
  }
  if (word === 'online') return 'online';
  if (word === 'offline' || word === 'lost') return 'offline';
  return 'unknown';
}
