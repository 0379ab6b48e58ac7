/**
 * The rules `npm run lint` enforces must be able to fail: each tool, with the project's own config, flags a small
 * bad input and passes its good twin. The dependency rules run over the trees in tests/fixtures/layering/.
 */
import path from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'tests/fixtures/layering');

/** The violations the project's dependency rules find in one fixture tree, as "rule: from → to". */
async function violations(fixture: string, override: ICruiseOptions = {}): Promise<string[]> {
  const options = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'));
  // The fixture is its own root, so its files are named src/… as the layer rules expect; it has no tsconfig.
  const { tsConfig: _, ...rest } = options;
  const result = await cruise(['src'], { ...rest, baseDir: path.join(FIXTURES, fixture), ...override });
  const summary = (result.output as ICruiseResult).summary;
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('dependency rules', () => {
  it('report a two-file cycle, even when one of its imports is type-only', async () => {
    expect(await violations('cycle')).toEqual(['no-circular: src/sampling/a.ts → src/sampling/b.ts']);
    // The cycle closes through a type-only import: without tsPreCompilationDeps it would go unseen.
    expect(await violations('cycle', { tsPreCompilationDeps: false })).toEqual([]);
  });

  it('report an import from a lower layer to a higher one', async () => {
    expect(await violations('upward')).toEqual(['layer-sampling: src/sampling/x.ts → src/ui/y.ts']);
  });

  it('pass imports that only go down the layers', async () => {
    expect(await violations('clean')).toEqual([]);
  });
});

describe('prettier', () => {
  const check = async (source: string) =>
    prettier.check(source, { ...(await prettier.resolveConfig(path.join(ROOT, 'src/x.ts'))), filepath: 'src/x.ts' });

  it('flags double quotes and lines past 120 columns, and passes the house style', async () => {
    expect(await check('export const a = "x";\n')).toBe(false);
    expect(await check(`export const a = [${'1, '.repeat(45)}1];\n`)).toBe(false);
    expect(await check("export const a = 'x';\n")).toBe(true);
  });
});

describe('eslint', () => {
  const lint = async (source: string, file: string) => {
    const [result] = await new ESLint({ cwd: ROOT }).lintText(source, { filePath: path.join(ROOT, file) });
    return result.messages.map((m) => m.ruleId);
  };

  it('flags `any` and an unused variable in src, and passes clean code', async () => {
    expect(await lint('export const f = (x: any) => x;\n', 'src/x.ts')).toEqual(['@typescript-eslint/no-explicit-any']);
    expect(await lint('const unused = 1;\nexport {};\n', 'src/x.ts')).toEqual(['@typescript-eslint/no-unused-vars']);
    expect(await lint('export const f = (x: number) => x;\n', 'src/x.ts')).toEqual([]);
  });
});
