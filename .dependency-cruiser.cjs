/**
 * Dependency rules (docs/architecture.md): no cycles, type-only imports included, and the layer order
 *   gpu → sampling → worlds → guidance → metrics → api → state/export → ui → src/index.ts, src/main.ts
 * A module under src/ imports only from its own layer or layers to its left. tests/unit/dependency-rules.test.ts
 * runs this very config over fixtures in tests/fixtures/layering/ to show each rule reports what it should.
 */
const LAYERS = [['gpu'], ['sampling'], ['worlds'], ['guidance'], ['metrics'], ['api'], ['state', 'export'], ['ui']];

const folders = (layers) => layers.flat().join('|');

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `src/${layer.join(', src/')} may import only from ${folders(LAYERS.slice(0, i + 1)).replaceAll('|', ', ')}`,
  severity: 'error',
  from: { path: `^src/(${folders([layer])})/` },
  to: { path: `^src/((${folders(LAYERS.slice(i + 1))})/|(index|main)\\.ts$)` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes load order matter and the modules in it one unit; move the shared part to its own module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'layer-ui',
      comment: 'src/ui is the top layer below the entry points: it may not import src/index.ts or src/main.ts',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/(index|main)\\.ts$' },
    },
  ],
  options: {
    // Type-only imports count: a type cycle still ties the modules together, and a type from an upper layer is
    // still an upward dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // The layering fixtures break the rules on purpose; only their own test cruises them. bench/.before/ is an
    // unpacked earlier commit that bench:model compares against (ignored by git).
    exclude: { path: '^(tests/fixtures/|bench/[.]before/)' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
