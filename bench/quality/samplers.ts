/**
 * The sampler registry as the catalogue benchmark sees it (catalogue.py): every entry's id, label, A1111 name,
 * group, default schedule and whether it needs a preparation (AMED's calibration), read from src/sampling/samplers,
 * so a sampler added to the registry shows up in the catalogue (or in its list of exclusions) without editing Python.
 *   node bench/quality/ts.mjs bench/quality/samplers.ts <out.json>
 */
import { writeFileSync } from 'node:fs';
import { SAMPLERS } from '../../src/sampling/samplers';

export function main([output]: string[]): void {
  if (!output) throw new Error('usage: samplers.ts <out.json>');
  const entries = SAMPLERS.map((s) => ({
    id: s.id,
    label: s.label,
    a1111: s.a1111 ?? null,
    group: s.group,
    defaultSchedule: s.defaultSchedule,
    stochastic: s.stochastic,
    prepared: s.prepare !== undefined,
    options: Object.fromEntries(s.options.map((o) => [o.key, o.default])),
  }));
  writeFileSync(output, JSON.stringify(entries, null, 1));
}
