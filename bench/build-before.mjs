// The page as it was before a change, built for side-by-side benchmarks: the parent of the commit that added a
// file, exported with `git archive` into a temporary folder (the repository and its worktrees are not touched) and
// built there with this checkout's node_modules (a symlink). A build already there is reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The parent of the first commit that added `file`: the last state without it. */
export function commitBefore(file) {
  const added = execFileSync('git', ['log', '--diff-filter=A', '--format=%H', '--', file], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  if (!added) throw new Error(`no commit adds ${file}`);
  const parent = execFileSync('git', ['rev-parse', `${added}^`], { encoding: 'utf8' }).trim();
  const subject = execFileSync('git', ['log', '-1', '--format=%h %ad', '--date=short', parent], { encoding: 'utf8' });
  return { sha: parent, describe: subject.trim(), addedBy: added };
}

/** Builds commit `sha` into <tmp>/diffusion-sandbox-<sha>/dist (once) and returns that dist folder. */
export function buildCommit(sha) {
  const root = path.join(os.tmpdir(), `diffusion-sandbox-${sha.slice(0, 12)}`);
  const dist = path.join(root, 'dist');
  if (existsSync(path.join(dist, 'index.html'))) return dist;
  mkdirSync(root, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C "${root}"`], { stdio: 'inherit' });
  if (!existsSync(path.join(root, 'node_modules')))
    symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  return dist;
}
