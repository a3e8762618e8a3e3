import fs from 'node:fs';
import { staticCameras } from '../../app/staticCameras.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { buildWhy } from '../../health/buildWhy.js';
import { type RecordingEvidence, renderWhy, type WhyDoc } from '../../health/whyReport.js';
import { type PictureEvidence, renderPictureEvidence } from '../../picture/pictureWhy.js';
import { whyHtml } from '../../picture/pictureWhyHtml.js';
import { isoTs } from '../../shared/clock.js';
import { CamgateError, UsageError } from '../../shared/errors.js';
import { openHistoryReadOnly } from '../../store/historyRepo.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { controlRequest } from '../controlClient.js';
import { fetchCameraPictures } from '../pictureImages.js';

export const whyCommand: CliCommand = {
  name: 'why',
  usage: 'camgate why CAMERA [--config PATH] [--json | --html [--out FILE]]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'why',
      args,
      {
        config: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'boolean' },
        out: { type: 'string' },
      },
      true,
    );
    const [cameraId, ...extra] = positionals;
    if (!cameraId || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    if (values.html && values.json) throw new UsageError('camgate why: --html and --json exclude each other');
    if (values.out !== undefined && !values.html) throw new UsageError('camgate why: --out needs --html');
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    // Static cameras without an `id` get a derived one (rtsp-host-port); ask the same function.
    const declared =
      config.cameras.some((c) => c.id === cameraId) ||
      staticCameras(config.cameras, '').some((c) => c.id === cameraId);
    const doc: WhyDoc & { picture?: PictureEvidence } = await askDaemon(config.control.socket, cameraId).then(
      (live) => live ?? fromDatabase(config.storage.path, cameraId, declared, io.clock.now()),
    );
    const text = (): string =>
      [renderWhy(doc), ...(doc.picture ? renderPictureEvidence(doc.picture) : [])].join('\n');
    if (values.json) writeJson(io, doc);
    else if (doc.found && values.html) {
      const pictures =
        doc.source === 'daemon'
          ? (await fetchCameraPictures({ socket: config.control.socket, clock: io.clock }, [cameraId])).get(
              cameraId,
            )
          : undefined;
      const page = whyHtml(doc, text(), doc.picture, pictures, isoTs(io.clock.now()));
      if (values.out) {
        fs.writeFileSync(values.out, page);
        io.stderr.write(`camgate why: wrote ${values.out}\n`);
      } else io.stdout.write(page);
    } else if (doc.found) io.stdout.write(`${text()}\n`);
    if (!doc.found) {
      io.stderr.write(`camgate why: camera '${cameraId}' is unknown to this gateway\n`);
      return 2;
    }
    return 0;
  },
};

/** The live answer, or undefined when no daemon listens (then the history database answers). */
async function askDaemon(
  socket: string,
  cameraId: string,
): Promise<(WhyDoc & { picture?: PictureEvidence }) | undefined> {
  try {
    const doc = (await controlRequest(socket, 'GET', `/why/${encodeURIComponent(cameraId)}`)) as WhyDoc;
    const recording = await askRecording(socket, cameraId);
    const picture = doc.found ? await askPicture(socket, cameraId) : undefined;
    return { ...doc, ...(recording ? { recording } : {}), ...(picture ? { picture } : {}) };
  } catch (err) {
    if (err instanceof CamgateError && err.code === 'CONTROL_UNAVAILABLE' && noListener(err.cause))
      return undefined;
    throw err;
  }
}

/**
 * The recorder's side: status, ffmpeg's last lines, recent gaps. Absent when recording is off for
 * the site (no route) or for this camera (404): `why` still answers about the stream.
 */
async function askRecording(socket: string, cameraId: string): Promise<RecordingEvidence | undefined> {
  try {
    const view = (await controlRequest(
      socket,
      'GET',
      `/recording/${encodeURIComponent(cameraId)}`,
    )) as RecordingEvidence;
    return {
      source: view.source,
      status: view.status,
      detail: view.detail,
      lastSegmentAt: view.lastSegmentAt,
      recorder: view.recorder && {
        running: view.recorder.running,
        starts: view.recorder.starts,
        crashLoop: view.recorder.crashLoop,
        lastExit: view.recorder.lastExit,
        stderrTail: view.recorder.stderrTail ?? [],
      },
      gaps: (view.gaps ?? []).map((g) => ({ cause: g.cause, startedAt: g.startedAt, endedAt: g.endedAt })),
    };
  } catch (err) {
    if (err instanceof CamgateError && err.code === 'CONTROL_UNAVAILABLE') return undefined;
    throw err;
  }
}

/** The picture checks' measures (issue #17); absent from a daemon without the route or camera. */
async function askPicture(socket: string, cameraId: string): Promise<PictureEvidence | undefined> {
  try {
    return (await controlRequest(
      socket,
      'GET',
      `/picture/${encodeURIComponent(cameraId)}`,
    )) as PictureEvidence;
  } catch (err) {
    if (err instanceof CamgateError && err.code === 'CONTROL_UNAVAILABLE') return undefined;
    throw err;
  }
}

/**
 * No socket file, nobody listening, or a daemon that went away mid-request (EPIPE/ECONNRESET: it
 * stopped, or a pooled keep-alive connection outlived it): the database is the best answer left.
 */
function noListener(cause: unknown): boolean {
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EPIPE' || code === 'ECONNRESET';
}

/** The daemon is not running: the history database answers (a declared camera is known even unobserved). */
export function fromDatabase(dir: string, cameraId: string, declared: boolean, nowMs: number): WhyDoc {
  const { history, close } = openHistoryReadOnly(dir);
  try {
    const known = history.knowsCamera(cameraId);
    return buildWhy({
      cameraId,
      now: { wallMs: nowMs },
      declared,
      history: {
        known,
        transitions: known ? history.transitions(cameraId, 10) : [],
        openOutage: known ? history.openOutage(cameraId) : undefined,
      },
    });
  } finally {
    close();
  }
}
