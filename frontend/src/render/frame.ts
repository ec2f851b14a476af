/**
 * Coalesces many requests into one paint per animation frame: a burst of socket messages
 * costs one render.
 */
export function frameScheduler(
  paint: () => void,
  requestFrame: (callback: () => void) => unknown = (callback) => requestAnimationFrame(callback),
): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestFrame(() => {
      pending = false;
      paint();
    });
  };
}
