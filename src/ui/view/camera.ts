/**
 * The 2D view's camera: which rectangle of the world plane a panel shows. All panels share one camera, so the
 * same point of the plane sits at the same pixel in every panel and comparisons line up.
 * Pixel coordinates run right and down from the canvas's top-left corner; world y runs up.
 */
export interface Camera {
  /** World point at the centre of the view. */
  cx: number;
  cy: number;
  /** Half the visible height in world units (the width follows from the aspect ratio). */
  halfHeight: number;
}

export interface Viewport {
  width: number;
  height: number;
}

/** The presets sit within about [−5, 5]² (gmm-presets.ts); a little margin around that. */
export const DEFAULT_CAMERA: Camera = { cx: 0, cy: 0, halfHeight: 6 };

export const ZOOM_LIMITS = { minHalfHeight: 0.05, maxHalfHeight: 500 } as const;

/** World units per pixel. */
export function unitsPerPixel(camera: Camera, viewport: Viewport): number {
  return (2 * camera.halfHeight) / viewport.height;
}

/** Scale from world offsets to clip space, per axis (clip spans [−1, 1] over the viewport). */
export function worldToClip(camera: Camera, viewport: Viewport): [number, number] {
  const halfWidth = (camera.halfHeight * viewport.width) / viewport.height;
  return [1 / halfWidth, 1 / camera.halfHeight];
}

/** The world point at pixel (px, py). */
export function pixelToWorld(camera: Camera, viewport: Viewport, px: number, py: number): [number, number] {
  const u = unitsPerPixel(camera, viewport);
  return [camera.cx + (px - viewport.width / 2) * u, camera.cy - (py - viewport.height / 2) * u];
}

/** The pixel at world point (x, y). */
export function worldToPixel(camera: Camera, viewport: Viewport, x: number, y: number): [number, number] {
  const u = unitsPerPixel(camera, viewport);
  return [viewport.width / 2 + (x - camera.cx) / u, viewport.height / 2 - (y - camera.cy) / u];
}

/** Zooms by `factor` (> 1 zooms in) about pixel (px, py), which keeps pointing at the same world point. */
export function zoomAt(camera: Camera, viewport: Viewport, px: number, py: number, factor: number): Camera {
  const halfHeight = Math.min(
    ZOOM_LIMITS.maxHalfHeight,
    Math.max(ZOOM_LIMITS.minHalfHeight, camera.halfHeight / factor),
  );
  const [wx, wy] = pixelToWorld(camera, viewport, px, py);
  const zoomed = { ...camera, halfHeight };
  const [nx, ny] = pixelToWorld(zoomed, viewport, px, py);
  return { cx: camera.cx + wx - nx, cy: camera.cy + wy - ny, halfHeight };
}

/** Moves the view so the plane follows a drag of (dx, dy) pixels. */
export function panByPixels(camera: Camera, viewport: Viewport, dx: number, dy: number): Camera {
  const u = unitsPerPixel(camera, viewport);
  return { ...camera, cx: camera.cx - dx * u, cy: camera.cy + dy * u };
}
