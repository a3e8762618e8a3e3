import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pictureBatchers, type Sampler, sampleThumbnail } from '../../src/app/pictureSampler.js';
import { parseConfigText } from '../../src/config/load.js';
import { grabCheck } from '../../src/picture/checkGrabs.js';
import { Slots } from '../../src/picture/slots.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import type { CameraRecord } from '../../src/shared/types.js';
import { RtspSession } from '../../src/streams/rtsp/rtspSession.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { GstServer } from '../streams/helpers/gstServer.js';
import { playing } from '../streams/helpers/playing.js';
import { makeStillH264 } from '../streams/helpers/rawH264.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };

/** A still camera (a keyframe a second) on GStreamer's RTSP server, and the daemon's session on it. */
async function still(): Promise<{ peer: GstServer; session: RtspSession }> {
  const dir = useTempDir('camgate-sampler-');
  const peer = await GstServer.start({
    source: 'raw-h264',
    file: await makeStillH264(dir),
    fps: 25,
    timestamps: 'valid',
  });
  deferCleanup(() => peer.close());
  const session = new RtspSession(deps, { url: peer.url, stepTimeoutMs: 5000, stallMs: 10_000 });
  deferCleanup(() => session.stop());
  session.start();
  await playing(session, peer);
  return { peer, session };
}

function sampler(session: RtspSession): Sampler {
  const config = parseConfigText('site: { id: s }\ngateway: { id: g }\npicture: { timeoutSeconds: 20 }\n');
  const slots = new Slots(2);
  const abort = new AbortController();
  deferCleanup(() => abort.abort());
  return {
    ...deps,
    config,
    slots,
    batchers: pictureBatchers({ clock: systemClock, config }, slots, abort.signal, () => 0),
    keyframes: { capture: (_id, request) => session.captureKeyframes(request) },
  };
}

function camera(url: string, snapshotUri?: string): CameraRecord {
  return {
    id: 'cam-1',
    address: '127.0.0.1',
    source: 'static',
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [{ token: 'p', name: 'p', rtspUrl: url, role: 'sub' }],
    ...(snapshotUri ? { snapshotUri } : {}),
    firstSeenAt: new Date(0).toISOString(),
    lastSeenAt: new Date(0).toISOString(),
  };
}

/** A snapshot URI that answers 404 on loopback: the check goes on to the stream. */
async function brokenSnapshot(): Promise<string> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  deferCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/snap.jpg`;
}

describe('picture sampling from the session, falling back to an ffmpeg of its own', () => {
  it('a session whose capture is already armed (BUSY) falls back to ffmpeg instead of failing the check', async () => {
    const { peer, session } = await still();
    const s = sampler(session);
    const armed = session.captureKeyframes({
      count: 2,
      timeoutMs: 30_000,
      signal: new AbortController().signal,
    });
    const grab = await sampleThumbnail(s, camera(peer.url), new AbortController().signal, 'tcp', 1);
    expect(grab.source).toBe('ffmpeg');
    expect(grab.thumbnail).toBeDefined();
    await armed.second;
  }, 60_000);

  it('a check whose first grab still waits for the next keyframe takes that as its second, not a new sample', async () => {
    const { peer, session } = await still();
    const s = sampler(session);
    const sources: string[] = [];
    const result = await grabCheck(
      {
        clock: systemClock,
        log: silentLog(),
        sample: async (cam, signal, onStream) => {
          const g = await sampleThumbnail(s, cam, signal, 'tcp', 2, onStream);
          sources.push(g.source);
          return g;
        },
      },
      camera(peer.url, await brokenSnapshot()),
      new AbortController().signal,
      // 250 ms between the grabs: the still's next keyframe comes a second after the first.
      1000,
    );
    expect(sources).toEqual(['session']);
    expect(result.second).toBeDefined();
  }, 60_000);
});
