/**
 * How the fused executor splits a run into submissions of bounded work (count × costPerSample × evaluations, the
 * budget the per-instruction executor uses), so the page stays responsive: the whole run in one dispatch when it
 * fits; else chunks of particles, each running the whole plan; and when a plan is so long that even a few hundred
 * particles overflow the budget (the RK4 reference: 4001 evaluations), chunks of instructions over all particles,
 * with the registers kept in a storage buffer between them.
 */

export interface FusedChunk {
  instrBegin: number;
  instrEnd: number;
  firstSample: number;
  samples: number;
  evals: number;
}

/** Particle chunks smaller than this would pay the dispatch cost for too little work: chunk instructions instead. */
const MIN_PARTICLES_PER_CHUNK = 256;
const WORKGROUP = 64;

export function planFusedChunks(
  count: number,
  costPerSample: number,
  evals: ArrayLike<number>,
  maxWork: number,
): FusedChunk[] {
  const length = evals.length;
  let total = 0;
  for (let i = 0; i < length; i++) total += evals[i];
  const cost = Math.max(costPerSample, 1);
  const perSample = cost * Math.max(total, 1);
  if (count * perSample <= maxWork)
    return [{ instrBegin: 0, instrEnd: length, firstSample: 0, samples: count, evals: total }];
  const particles = Math.floor(maxWork / perSample / WORKGROUP) * WORKGROUP;
  if (particles >= MIN_PARTICLES_PER_CHUNK) {
    const chunks: FusedChunk[] = [];
    for (let first = 0; first < count; first += particles) {
      const samples = Math.min(particles, count - first);
      chunks.push({ instrBegin: 0, instrEnd: length, firstSample: first, samples, evals: (total * samples) / count });
    }
    return chunks;
  }
  // The per-instruction executor's rule: a new submission when one more evaluation would pass the budget.
  const maxEvals = Math.max(1, Math.floor(maxWork / (count * cost)));
  const chunks: FusedChunk[] = [];
  let begin = 0;
  let inChunk = 0;
  for (let pc = 0; pc < length; pc++) {
    if (evals[pc] > 0 && inChunk + evals[pc] > maxEvals && pc > begin) {
      chunks.push({ instrBegin: begin, instrEnd: pc, firstSample: 0, samples: count, evals: inChunk });
      begin = pc;
      inChunk = 0;
    }
    inChunk += evals[pc];
  }
  chunks.push({ instrBegin: begin, instrEnd: length, firstSample: 0, samples: count, evals: inChunk });
  return chunks;
}
