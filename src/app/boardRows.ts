import type { Config } from '../config/schema.js';
import { type Clock, isoTs } from '../shared/clock.js';
import type { CameraRecord } from '../shared/types.js';
import type { CameraDirectory } from './cameraDirectory.js';
import type { StatusBoard } from './statusBoard.js';

export interface BoardRowDeps {
  readonly board: StatusBoard;
  readonly cameras: CameraDirectory;
  readonly clock: Clock;
  readonly config: Readonly<Pick<Config, 'recording'>>;
}

/**
 * The status board has one row per camera in the directory: seeded here once, then kept in step.
 * A new camera joins as `unknown`; a known row keeps its health fields and takes the fresh
 * identity; a camera that leaves the directory leaves the board. Returns an unsubscribe.
 */
export function boardFollowsDirectory(deps: BoardRowDeps): () => void {
  for (const camera of deps.cameras.all()) syncRow(deps, camera);
  return deps.cameras.subscribe((change) => {
    if (change.type === 'removed') deps.board.removeCamera(change.camera.id);
    else syncRow(deps, change.camera);
  });
}

function syncRow(deps: BoardRowDeps, camera: CameraRecord): void {
  const identity = {
    address: camera.address,
    manufacturer: camera.manufacturer,
    model: camera.model,
    serial: camera.serial,
    class: camera.class,
    source: camera.source,
  };
  if (deps.board.patchCamera(camera.id, identity)) return;
  const nowIso = isoTs(deps.clock.now());
  deps.board.upsertCamera({
    cameraId: camera.id,
    ...identity,
    status: 'unknown',
    since: nowIso,
    reasons: firstReasons(camera),
    stream: {},
    recording: { status: deps.config.recording.enabled ? 'unknown' : 'off' },
    integrated: false,
  });
}

function firstReasons(camera: CameraRecord): string[] {
  if (camera.problem) return [`${camera.problem.code}: ${camera.problem.message}`];
  return camera.source === 'static' ? ['not yet observed'] : ['discovered, not yet observed'];
}
