import type { Kysely } from 'kysely';
import type { CameraView, GatewayView, Picture } from './model.js';
import { currentPicture, readCurrent } from './store/pictureRepo.js';
import type { CentreDb } from './store/schema.js';

const CHUNK = 400;

/**
 * The current picture held in memory, so the figure does not read every camera row each time
 * (63,000 rows took most of a second on the bench). Loaded once from the store; after each
 * committed batch the gateways it touched are re-read from the store, so memory always mirrors
 * what was committed (by this worker or, for retained state, by any: every worker receives all
 * of it, as state topics are never shared).
 */
export class LivePicture {
  private readonly gateways = new Map<string, GatewayView>();
  private readonly cameras = new Map<string, readonly CameraView[]>();
  private pending = new Set<string>();
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Kysely<CentreDb>) {}

  /** Gateways whose rows changed in a committed batch. */
  touch(gatewayIds: Iterable<string>): void {
    for (const id of gatewayIds) this.pending.add(id);
  }

  /** Brings memory up to date with the store, then returns the picture at `at`. */
  async picture(at: string): Promise<Picture> {
    this.loading ??= this.loadAll(at);
    await this.loading;
    await this.refresh(at);
    return { at, gateways: [...this.gateways.values()], cameras: [...this.cameras.values()].flat() };
  }

  private async loadAll(at: string): Promise<void> {
    this.pending.clear();
    this.put(await currentPicture(this.db, at), undefined);
  }

  private async refresh(at: string): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      this.put(await readCurrent(this.db, at, chunk), chunk);
    }
  }

  /** Replaces the given gateways (all, when `ids` is undefined) with what the store holds. */
  private put(p: Picture, ids: readonly string[] | undefined): void {
    for (const id of ids ?? []) {
      this.gateways.delete(id);
      this.cameras.delete(id);
    }
    for (const g of p.gateways) this.gateways.set(g.gatewayId, g);
    const by = new Map<string, CameraView[]>();
    for (const c of p.cameras) {
      const list = by.get(c.gatewayId);
      if (list) list.push(c);
      else by.set(c.gatewayId, [c]);
    }
    for (const [id, list] of by) this.cameras.set(id, list);
  }
}
