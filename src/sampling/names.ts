/**
 * The names people type for samplers and schedules: our ids and labels, the AUTOMATIC1111 / ComfyUI names each
 * registry entry declares (`a1111`, a schedule's `aliases`), and A1111's older combined form "DPM++ 2M Karras"
 * (sampler, then schedule) — all case- and space-insensitive. The infotext, the URL and the X/Y grid read through here.
 */

export interface NamedSampler {
  id: string;
  label?: string;
  a1111?: string;
}

export interface NamedSchedule {
  id: string;
  label?: string;
  aliases?: readonly string[];
}

/** Lower case without blanks: "DPM++ 2M" and "dpm++2m" are one name. */
const squash = (text: string) => text.toLowerCase().replace(/\s+/g, '');

function names(entry: { id: string; label?: string; a1111?: string; aliases?: readonly string[] }): string[] {
  return [entry.id, entry.label, entry.a1111, ...(entry.aliases ?? [])]
    .filter((n): n is string => n !== undefined)
    .map(squash);
}

function byName<T extends { id: string }>(
  key: string,
  known: readonly T[],
  namesOf: (k: T) => string[],
): T | undefined {
  return key === '' ? undefined : known.find((k) => namesOf(k).includes(key));
}

/** The schedule a name means ("Karras", "karras", "Exponential" → logsnr), or undefined. */
export function scheduleFromName(text: string, schedules: readonly NamedSchedule[]): string | undefined {
  return byName(squash(text), schedules, names)?.id;
}

/**
 * The sampler a name means, and the schedule when the name combines the two ("DPM++ 2M Karras" → dpmpp_2m on
 * karras); undefined when it names neither. A whole sampler name wins over a split, so "DPM2 a" stays one sampler.
 */
export function samplerFromName(
  text: string,
  samplers: readonly NamedSampler[],
  schedules: readonly NamedSchedule[],
): { sampler: string; schedule?: string } | undefined {
  const key = squash(text);
  const whole = byName(key, samplers, names);
  if (whole) return { sampler: whole.id };
  for (const schedule of schedules) {
    for (const suffix of names(schedule)) {
      if (!key.endsWith(suffix)) continue;
      const sampler = byName(key.slice(0, key.length - suffix.length), samplers, names);
      if (sampler) return { sampler: sampler.id, schedule: schedule.id };
    }
  }
  return undefined;
}
