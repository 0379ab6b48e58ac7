// CPU time of Chromium's processes, the stable cost figure on this shared machine (docs/measured.md): wall time
// swings 2–5× between identical runs, while the CPU nanoseconds a process's threads ran barely move. SwiftShader
// runs the shaders in the --type=gpu-process; WASM engines run in the tab's --type=renderer.
import { readdirSync, readFileSync } from 'node:fs';

/** Processes under `browserPid` (children of its zygote here) whose command line holds `--type=<type>`. */
export function chromiumProcesses(browserPid, type) {
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const descends = (pid) => pid === browserPid || (parent.has(pid) && pid > 1 && descends(parent.get(pid)));
  const found = [];
  for (const pid of parent.keys()) {
    try {
      if (
        pid !== browserPid &&
        descends(pid) &&
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--type=${type}`)
      )
        found.push(pid);
    } catch {
      // As above.
    }
  }
  return found;
}

/** The launched browser's GPU process. */
export function gpuProcessPid(browserPid) {
  const [pid] = chromiumProcesses(browserPid, 'gpu-process');
  if (pid === undefined) throw new Error('no GPU process found under the browser');
  return pid;
}

/** CPU nanoseconds of every thread of the processes (the first field of /proc/<pid>/task/<tid>/schedstat, summed:
 *  SwiftShader's workers are threads, and a process's own schedstat counts its main thread only). */
export function cpuNs(...pids) {
  let ns = 0;
  for (const pid of pids) {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // A thread that ended between listing and reading.
      }
    }
  }
  return ns;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** min–max of the rounds, with `digits` decimals. */
export const spread = (xs, digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
