import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { staticCameras } from '../../app/staticCameras.js';
import { VERSION } from '../../app/version.js';
import type { SnapshotResult } from '../../app/wireSnapshot.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { isDown } from '../../health/outage.js';
import {
  type AcceptanceDoc,
  type CameraSnapshot,
  computeAcceptance,
  type HandoverCamera,
  type LiveCameraState,
  type PictureReferenceOutcome,
} from '../../report/acceptance/acceptance.js';
import { acceptanceHtml } from '../../report/acceptance/html.js';
import type { CameraPictures } from '../../report/acceptance/picturesHtml.js';
import { computeReport } from '../../report/compute.js';
import { buildReportInput, reportCameraIds } from '../../report/input.js';
import type { Clock } from '../../shared/clock.js';
import { UsageError } from '../../shared/errors.js';
import { CAMERA_CLASSES, type CameraClass, type CameraStatus } from '../../shared/types.js';
import { openReadOnly, ReportRepo } from '../../store/reportRepo.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, type CliIo, writeJson } from '../command.js';
import { controlRequest } from '../controlClient.js';
import { runDoctor } from '../doctor/doctor.js';
import { fetchCameraPictures } from '../pictureImages.js';
import { type Progress, progressLine } from '../progress.js';
import { colour } from '../table.js';
import { takeReferences } from './acceptancePictures.js';

const DAY_MS = 86_400_000;

export const acceptanceCommand: CliCommand = {
  name: 'acceptance',
  usage:
    'camgate acceptance [--config PATH] [--out DIR] [--days N] [--keep-references] [--json]\n' +
    '  writes DIR/acceptance.json and DIR/acceptance.html (DIR defaults to .); exit 1 when not accepted\n' +
    "  takes each camera's picture now as its picture-check reference (--keep-references: keep the earlier ones)",
  async run(args, io) {
    const { values } = parseCommandArgs('acceptance', args, {
      config: { type: 'string' },
      out: { type: 'string' },
      days: { type: 'string' },
      'keep-references': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const days = Number(values.days ?? '1');
    if (!(days > 0 && days <= 366))
      throw new UsageError(`camgate acceptance: --days must be 1-366 (got '${values.days}')`);
    const configPath = resolveConfigPath(values.config, io.env);
    const config = loadConfigFile(configPath);
    const dir = values.out ?? '.';
    fs.mkdirSync(dir, { recursive: true });
    const progress = progressLine(io, !values.json);
    const keep = values['keep-references'] === true;
    const { doc, pictures } = await gather(config, configPath, io, { days, keep }, progress, dir).finally(
      () => progress.done(),
    );
    fs.writeFileSync(path.join(dir, 'acceptance.json'), `${JSON.stringify(doc, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'acceptance.html'), acceptanceHtml(doc, pictures));
    if (values.json) writeJson(io, doc);
    else io.stdout.write(`${summary(doc, dir, io.isTty)}\n`);
    return doc.accepted ? 0 : 1;
  },
};

async function gather(
  config: Readonly<Config>,
  configPath: string,
  io: Pick<CliIo, 'env' | 'clock'>,
  { days, keep }: { days: number; keep: boolean },
  progress: Progress,
  dir: string,
): Promise<{ doc: AcceptanceDoc; pictures: ReadonlyMap<string, CameraPictures> | undefined }> {
  progress.update('acceptance: reading the site history');
  const nowMs = io.clock.now();
  const window = { fromMs: nowMs - days * DAY_MS, toMs: nowMs };
  const { cameras, rows } = readHistory(config, window, nowMs);
  progress.update('acceptance: asking the daemon, checking the box');
  const [live, doctor] = await Promise.all([
    liveState(config),
    runDoctor(configPath, io.env, 3000, io.clock),
  ]);
  const statuses = new Map((live ?? []).map((c) => [c.cameraId, c.status]));
  const snapshots = live
    ? await takePictures({ config, clock: io.clock, dir }, cameras, statuses, (done) =>
        progress.update(`acceptance: pictures ${done}/${cameras.length}`),
      )
    : undefined;
  const pictureReferences = live
    ? keep
      ? new Map(cameras.map((c) => [c.id, KEPT]))
      : await takeReferences(config, cameras, statuses, (done) =>
          progress.update(`acceptance: picture references ${done}/${cameras.length}`),
        )
    : undefined;
  // After the references: the sheet shows the reference the checks use from now on.
  const pictures = live
    ? await fetchCameraPictures(
        { socket: config.control.socket, clock: io.clock },
        cameras.map((c) => c.id),
      )
    : undefined;
  const doc = computeAcceptance({
    site: { id: config.site.id, name: config.site.name },
    gatewayId: config.gateway.id,
    version: VERSION,
    generatedAt: new Date(nowMs).toISOString(),
    cameras,
    live,
    report: computeReport(buildReportInput(config, rows, window, nowMs)),
    checks: doctor.results.map(({ name, status, detail }) => ({ name, status, detail })),
    snapshots,
    pictureReferences,
  });
  return { doc, pictures };
}

/** The handover cameras and the report rows of the window, from the daemon's database read-only. */
function readHistory(
  config: Readonly<Config>,
  window: { fromMs: number; toMs: number },
  nowMs: number,
): { cameras: HandoverCamera[]; rows: Parameters<typeof buildReportInput>[1] } {
  const db = openReadOnly(config.storage.path);
  try {
    const repo = new ReportRepo(db);
    const iso = (ms: number) => new Date(ms).toISOString();
    const base = {
      cameras: repo.cameras(),
      outages: repo.outages(iso(window.fromMs), iso(window.toMs)),
      boots: repo.boots(),
      inventory: repo.inventoryChanges(iso(window.fromMs), iso(window.toMs)),
    };
    const rows = {
      ...base,
      firstVerdicts: repo.firstVerdicts(reportCameraIds(base), base.boots, window.fromMs, window.toMs),
      clockSteps: repo.clockSteps(),
    };
    return { cameras: handoverCameras(config, repo, nowMs), rows };
  } finally {
    db.close();
  }
}

/** The cameras installed now: the inventory's, then config-only (static) ones it does not list. */
function handoverCameras(config: Readonly<Config>, repo: ReportRepo, nowMs: number): HandoverCamera[] {
  const cameras: HandoverCamera[] = repo
    .inventory()
    .filter((c) => c.removedAt === null)
    .map((c) => ({ ...c, class: asClass(c.class) }))
    .map(({ removedAt: _removed, ...c }) => c);
  const listed = new Set(cameras.map((c) => c.id));
  for (const s of staticCameras(config.cameras, new Date(nowMs).toISOString())) {
    if (listed.has(s.id)) continue;
    const { id, address, firstSeenAt } = s;
    cameras.push({
      id,
      class: s.class,
      address,
      firstSeenAt,
      manufacturer: null,
      model: null,
      serial: null,
      mac: null,
    });
  }
  return cameras;
}

const KEPT: PictureReferenceOutcome = {
  status: 'kept',
  reason: '--keep-references: the earlier reference stays',
};

/**
 * One picture per camera from the daemon (`POST /snapshot`), written beside the sheet as
 * snapshots/<id>.jpg so the pack is a folder that opens offline. Two at a time: the daemon
 * refuses a third (it may be serving the centre too), and a refused one is tried once more.
 */
async function takePictures(
  { config, clock, dir }: { config: Readonly<Config>; clock: Clock; dir: string },
  cameras: readonly HandoverCamera[],
  live: ReadonlyMap<string, CameraStatus>,
  onProgress: (done: number) => void,
): Promise<Map<string, CameraSnapshot>> {
  const out = new Map<string, CameraSnapshot>();
  fs.mkdirSync(path.join(dir, 'snapshots'), { recursive: true });
  const ask = (camera: string) =>
    controlRequest(config.control.socket, 'POST', '/snapshot', { camera }, 30_000) as Promise<SnapshotResult>;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let cam = cameras[next++]; cam; cam = cameras[next++]) {
      const status = live.get(cam.id);
      if (status !== undefined && isDown(status)) {
        // The daemon already knows it cannot reach the stream; asking would only wait out timeouts.
        out.set(cam.id, { error: `not taken: camera ${status}` });
        onProgress(out.size);
        continue;
      }
      try {
        const shot = await ask(cam.id).catch(async (err: unknown) => {
          if (!(err instanceof Error && /already in progress/.test(err.message))) throw err;
          await clock.sleep(1000);
          return ask(cam.id);
        });
        const file = path.join('snapshots', snapshotFileName(cam.id));
        fs.writeFileSync(path.join(dir, file), Buffer.from(shot.jpegBase64, 'base64'));
        out.set(cam.id, { file, source: shot.source, bytes: shot.bytes });
      } catch (err) {
        out.set(cam.id, { error: err instanceof Error ? err.message : String(err) });
      }
      onProgress(out.size);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/** The daemon's view of every camera now; undefined when it does not answer (acceptance then stays open). */
async function liveState(config: Readonly<Config>): Promise<LiveCameraState[] | undefined> {
  try {
    const doc = (await controlRequest(config.control.socket, 'GET', '/status', undefined, 5000)) as {
      cameras?: LiveCameraState[];
    };
    return doc.cameras ?? [];
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'CONTROL_UNAVAILABLE') return undefined;
    throw err;
  }
}

/** A file name per camera id; an id that had to be changed gets a short hash so two never share one. */
export function snapshotFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe === id) return `${id}.jpg`;
  return `${safe}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}.jpg`;
}

function asClass(value: string): CameraClass {
  return (CAMERA_CLASSES as readonly string[]).includes(value) ? (value as CameraClass) : 'overview';
}

function summary(doc: AcceptanceDoc, dir: string, tty: boolean): string {
  const verdict = doc.accepted
    ? colour('ACCEPTED', 'green', tty)
    : colour(`NOT ACCEPTED (${doc.openItems.length} open)`, 'red', tty);
  const perClass = CAMERA_CLASSES.map((k) => {
    const c = doc.classes[k];
    return `  ${k.padEnd(9)}  installed ${String(c.installed).padStart(3)}  planned ${String(c.planned ?? '-').padStart(3)}  integrated ${c.integrated ?? 'unknown'}`;
  });
  return [
    `site ${doc.site.id} · gateway ${doc.gatewayId} · ${verdict}`,
    ...perClass,
    ...doc.openItems.map((i) => `  - ${i}`),
    ...referenceSummary(doc),
    `wrote ${path.join(dir, 'acceptance.json')} and ${path.join(dir, 'acceptance.html')}`,
  ].join('\n');
}

/** One line: how many cameras got a handover picture reference (the misses are open items). */
function referenceSummary(doc: AcceptanceDoc): string[] {
  const counts = new Map<string, number>();
  for (const c of doc.cameras)
    if (c.pictureReference)
      counts.set(c.pictureReference.status, (counts.get(c.pictureReference.status) ?? 0) + 1);
  if (counts.size === 0) return [];
  return [`picture references: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`];
}
