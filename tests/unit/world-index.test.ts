/** Worlds are data: the index the picker reads agrees with every model manifest it names (the shipped ones and the
 *  test fixture), malformed indexes and manifests are refused with the field named, and no source file under src/
 *  names a particular dataset. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reflowFamily } from '../../src/state/reflow-family';
import { WorldRegistry } from '../../src/worlds/registry';
import { checkAgainstEntry } from '../../src/worlds/unet/image-world';
import { checkClassifierManifest, checkManifest } from '../../src/worlds/unet/manifest';
import { checkWorldIndex, type WorldIndexEntry } from '../../src/worlds/world-index';
import { shippedWorlds } from '../reference/shipped-worlds';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

for (const root of ['public/models', 'tests/fixtures/models']) {
  describe(`the world index of ${root}`, () => {
    const index = checkWorldIndex(json(`${root}/index.json`), `${root}/index.json`);

    it('lists every model folder whose manifest is a world, with the facts its manifest gives', () => {
      const worlds = readdirSync(root).filter(
        (f) => statSync(join(root, f)).isDirectory() && typeof json(join(root, f, 'manifest.json')).world === 'object',
      );
      expect(index.worlds.map((w) => w.folder).sort()).toEqual(worlds.sort());
      for (const entry of index.worlds) {
        const where = `${root}/${entry.folder}/manifest.json`;
        const manifest = checkManifest(json(where), where);
        expect(() => checkAgainstEntry(manifest, entry, where)).not.toThrow();
        const w = manifest.world!;
        expect({
          classifier: entry.classifier,
          amed: entry.amed_predictors,
          reflow: entry.reflow,
          max: entry.max_size,
          label: entry.label,
        }).toEqual({
          classifier: w.classifier,
          amed: w.amed_predictors,
          reflow: w.reflow,
          max: w.max_size,
          label: w.label,
        });
        // The family's id convention: the 1-RF world is the family, the k-RF world <family>-<k>rf.
        expect(entry.id).toBe(
          entry.reflow.level === 1 ? entry.reflow.family : `${entry.reflow.family}-${entry.reflow.level}rf`,
        );
        if (entry.classifier) {
          const c = checkClassifierManifest(json(`${root}/${entry.classifier}/manifest.json`));
          expect([c.channels, c.class_names]).toEqual([entry.channels, entry.classes]);
        }
        if (entry.amed_predictors) {
          const p = json(`${root}/${entry.amed_predictors.folder}/manifest.json`);
          expect(p.model_sha256).toBe(manifest.sha256);
          expect(p.predictors.map((q: { nfe: number }) => q.nfe).sort((a: number, b: number) => a - b)).toEqual(
            entry.amed_predictors.nfe,
          );
        }
      }
    });
  });
}

describe('malformed indexes and manifests', () => {
  const index = json('tests/fixtures/models/index.json');
  const broken = (edit: (w: WorldIndexEntry) => void) => {
    const copy = structuredClone(index);
    edit(copy.worlds[0]);
    return () => checkWorldIndex(copy, 'i.json');
  };

  it('names the first field the runtime cannot use', () => {
    expect(() => checkWorldIndex({ ...index, format: 'x' }, 'i.json')).toThrow(
      'i.json: format must be "diffusion-sandbox-worlds"',
    );
    expect(broken((w) => (w.channels = 4))).toThrow('i.json: worlds[0].channels must be 1 or 3');
    expect(broken((w) => (w.size = 10))).toThrow('i.json: worlds[0].size must be a multiple of 4');
    expect(broken((w) => (w.max_size = 12))).toThrow('i.json: worlds[0].max_size must be a multiple of size 8');
    expect(broken((w) => (w.folder = '../../etc'))).toThrow(
      'i.json: worlds[0].folder must be a folder name beside the index',
    );
    expect(broken((w) => (w.classifier = 'a/b'))).toThrow(
      'i.json: worlds[0].classifier must be a folder name beside the index',
    );
    expect(broken((w) => (w.amed_predictors = { folder: 'p', nfe: [1.5] }))).toThrow(
      'i.json: worlds[0].amed_predictors must be null',
    );
    expect(() => checkWorldIndex({ ...index, worlds: [index.worlds[0], index.worlds[0]] }, 'i.json')).toThrow(
      'i.json: worlds[1].id must be a new lower-case id',
    );
  });

  it('a manifest that contradicts its index entry is refused when its weights load', () => {
    const entry = index.worlds[0];
    const manifest = checkManifest(json('tests/fixtures/models/tiny-rgb/manifest.json'));
    expect(() => checkAgainstEntry(manifest, { ...entry, channels: 1 }, 'm.json')).toThrow(
      'm.json: channels is 3, the world index lists 1',
    );
    expect(() => checkAgainstEntry(manifest, { ...entry, classes: ['a', 'b', 'c'] }, 'm.json')).toThrow(
      /m.json: world.class_names is \["red","green","blue"\]/,
    );
  });
});

describe('source code names no dataset', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

  it('no file under src/ mentions Fashion-MNIST or its ids: image worlds come from the index', () => {
    const named = files('src').filter((f) => /fmnist|fashion/i.test(readFileSync(f, 'utf8')));
    expect(named).toEqual([]);
  });
});

describe('reflow families come from the manifests', () => {
  const image = (id: string, family: string, level: number) => ({
    id,
    kind: 'image' as const,
    image: { reflow: { family, level } },
  });

  it('members are the worlds declaring the family, by level, whatever their ids', () => {
    const worlds = [
      image('b-2rf', 'b', 2),
      image('a', 'a', 1),
      image('b', 'b', 1),
      image('b-straight', 'b', 3),
      { id: 'gmm:ring8' },
    ];
    expect(reflowFamily('b', worlds)).toEqual(['b', 'b-2rf', 'b-straight']);
    expect(reflowFamily('b-straight', worlds)).toEqual(['b', 'b-2rf', 'b-straight']);
    expect(reflowFamily('a', worlds)).toEqual(['a']);
  });

  it('the shipped index gives the Fashion-MNIST family its 2-RF sibling', () => {
    const registry = new WorldRegistry(shippedWorlds());
    expect(reflowFamily('fmnist-2rf', registry.list())).toEqual(['fmnist', 'fmnist-2rf']);
  });
});
