/**
 * The files a panel exports and imports: what the page calls each kind, how the sandbox installs one, and how a run
 * tells whether it used the one imported. AMED's calibration (Zhou et al. 2024: per-step r, c) and GITS's search
 * (Chen et al. 2024: the cost matrix the grid is chosen from) share one export/import path (./calibration-file.ts)
 * and one report after the run (./runs/panel-run.ts).
 */
import type { SampleResult, Sandbox } from '../api/sandbox';
import type { AmedCalibration } from '../sampling/amed/calibrations';
import type { GitsCalibration } from '../sampling/gits/calibrations';

export interface CalibrationKind<T extends object = object> {
  /** What the page calls one ("AMED calibration"). */
  noun: string;
  /** Its indefinite article ("an AMED calibration"). */
  article: 'a' | 'an';
  /** What a panel whose settings differ from the import's does instead. */
  otherwise: string;
  /** Checks and installs an exported file's text; rejects with a message naming the bad field. */
  install(sandbox: Sandbox, text: string): Promise<T>;
  fileName(value: T): string;
  /** What it was made for, in words. */
  madeFor(value: T): string;
  /** Whether a run used this very import (installs are kept by identity in the sandbox's memo). */
  usedBy(value: T, result: SampleResult): boolean;
}

/** One kind with its value, as a panel's import event carries it. */
export interface ImportedCalibration<T extends object = object> {
  kind: CalibrationKind<T>;
  value: T;
}

/** A world id as part of a file name. */
const fileWorld = (world: string) => world.replace(/[^\w.-]+/g, '_').slice(0, 60);

export const AMED_FILE: CalibrationKind<AmedCalibration> = {
  noun: 'AMED calibration',
  article: 'an',
  otherwise: 'uses its own calibration',
  install: (sandbox, text) => sandbox.importAmedCalibration(text),
  fileName: (c) => `amed-${fileWorld(c.world)}-${c.variant}${c.afs ? '-afs' : ''}-${c.steps.length}steps.json`,
  madeFor: (c) => `${c.world}, ${c.steps.length} steps, ${c.variant}${c.afs ? ' with AFS' : ''}`,
  usedBy: (c, result) => result.amed?.calibration === c,
};

export const GITS_FILE: CalibrationKind<GitsCalibration> = {
  noun: 'GITS search',
  article: 'a',
  otherwise: 'uses its own search',
  install: (sandbox, text) => sandbox.importGitsCalibration(text),
  fileName: (c) => `gits-${fileWorld(c.world)}-${c.metric}-${c.fine.length}points-${c.count}paths.json`,
  madeFor: (c) => `${c.world}, ${c.fine.length} fine points, ${c.metric} metric, ${c.count} trajectories`,
  usedBy: (c, result) => result.gits?.imported === c,
};
