/**
 * What a world's classifier makes of an image panel's samples: a one-line readout and a tooltip per image.
 * With a class picked, the share of images it recognises as that class ("14/16 look like Sneaker"); with 'mixed'
 * (image i asked for class i mod the class count), the share whose verdict is the class each one asked for;
 * unconditional, the class it sees most. A classifier is itself imperfect on real images, so a perfect sampler scores
 * about its test accuracy (its manifest's metrics), not 100 %.
 */
import type { ImageWorldInfo } from '../../worlds/types';

/** The verdict on one run: the predicted class and its probability per image. */
export interface Verdict {
  /** The run's key: a verdict is shown only beside the samples it judged. */
  key: string;
  labels: Int32Array;
  probabilities: Float32Array;
  classes: readonly string[];
  /** The class the run asked for: one for all, 'mixed', or undefined (unconditional). */
  asked: number | 'mixed' | undefined;
}

/** A world is judged when its manifest names a classifier. */
export function judgedByClassifier(image: ImageWorldInfo | undefined): boolean {
  return !!image?.classifier;
}

export function verdictSummary(v: Pick<Verdict, 'labels' | 'classes' | 'asked'>): { text: string; detail: string } {
  const n = v.labels.length;
  const counts = new Array(v.classes.length).fill(0);
  v.labels.forEach((l) => counts[l]++);
  const seen = counts
    .map((k, c) => [k, c])
    .filter(([k]) => k > 0)
    .sort((a, b) => b[0] - a[0])
    .map(([k, c]) => `${v.classes[c]} ${k}`)
    .join(', ');
  if (typeof v.asked === 'number') {
    return {
      text: `${counts[v.asked]}/${n} look like ${v.classes[v.asked]}`,
      detail: `The classifier's verdicts: ${seen}`,
    };
  }
  if (v.asked === 'mixed') {
    const hits = v.labels.filter((l, i) => l === i % v.classes.length).length;
    return {
      text: `${hits}/${n} match their class`,
      detail: `Image i asked for class i mod ${v.classes.length}. The classifier's verdicts: ${seen}`,
    };
  }
  const top = counts.indexOf(Math.max(...counts));
  return {
    text: `most look like ${v.classes[top]} (${counts[top]}/${n})`,
    detail: `Unconditional samples. The classifier's verdicts: ${seen}`,
  };
}

/** One tooltip per image: the predicted class, its probability, and the class asked for when it differs. */
export function imageTitles(v: Verdict): string[] {
  const k = v.classes.length;
  return Array.from(v.labels, (l, i) => {
    const asked = typeof v.asked === 'number' ? v.asked : v.asked === 'mixed' ? i % k : undefined;
    const verdict = `classifier: ${v.classes[l]} (${Math.round(100 * v.probabilities[i * k + l])} %)`;
    return asked === undefined || asked === l ? verdict : `${verdict}; asked for ${v.classes[asked]}`;
  });
}
