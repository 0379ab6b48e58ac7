/** What every σ schedule reads (./schedules.ts, ./schedules-extra.ts), in a module of its own so both can. */
export interface ScheduleOptions {
  sigmaMax: number;
  sigmaMin: number;
  rho: number;
}

export const DEFAULT_SCHEDULE_OPTIONS: ScheduleOptions = { sigmaMax: 80, sigmaMin: 0.002, rho: 7 };
