/**
 * Runs a callback at the next animation frame, or after a short wait if no frame comes: a GPU process busy with a
 * long submission (an image run on a software adapter takes seconds) holds back frames, and the page must still
 * commit a change, cancel the stale runs and start the new ones. Returns a function that cancels the call.
 */
const FRAME_WAIT_MS = 100;

export function nextFrame(callback: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, FRAME_WAIT_MS);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
