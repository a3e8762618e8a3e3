import type { PictureConfig } from '../config/pictureSchema.js';
import type { CameraClass } from '../shared/types.js';
import { DEFAULT_THRESHOLDS } from './assess.js';
import type { PictureRules } from './pictureMachine.js';

/** The rules of one camera class: built-in thresholds, then `defaults`, then the class's own. */
export function rulesFor(config: PictureConfig, cls: CameraClass): PictureRules {
  const pick = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...DEFAULT_THRESHOLDS,
    ...pick(config.defaults),
    ...pick(config.classes[cls]),
    raiseAfter: config.raiseAfter,
    clearAfter: config.clearAfter,
    learnSamples: config.learnSamples,
  };
}
