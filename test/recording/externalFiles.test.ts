import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { externalFiles } from '../../src/recording/externalFiles.js';
import { tempDir } from './simHelpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tree(files: string[]): string {
  const root = tempDir('camgate-ext-');
  dirs.push(root);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), 'x');
  }
  return root;
}

describe('externalFiles', () => {
  const files = [
    'cam1/2026-11-21/00.mp4',
    'cam1/2026-11-21/01.mp4',
    'cam1/2026-11-20/23.mp4',
    'cam2/2026-11-21/00.mp4',
    'cam1/index.db',
  ];
  it.each([
    ['cam1/*/*.mp4', 3],
    ['cam1/**/*.mp4', 3],
    ['cam?/2026-11-21', 3],
    ['cam1/2026-11-21', 2],
    ['cam1', 1],
    ['cam9/*', 0],
  ])('%s matches %i files', async (pattern, count) => {
    const root = tree(files);
    expect(await externalFiles(path.join(root, pattern))).toHaveLength(count);
  });

  it('orders by mtime, oldest first', async () => {
    const root = tree(['a/1.ts', 'a/2.ts']);
    fs.utimesSync(path.join(root, 'a/2.ts'), new Date(1000), new Date(1000));
    expect((await externalFiles(path.join(root, 'a/*'))).map((s) => s.name)).toEqual(['2.ts', '1.ts']);
  });
});
