/** Zoom levels and the size of the canvases they need. 1 = 100%, pdf.js's "actual size". */
import { PAGE_PADDING } from './layout';

export const MIN_SCALE = 0.25;
export const MAX_SCALE = 5;
/** Where the − and + buttons stop, as in pdf.js's viewer. */
export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5];
/** The percentages the zoom menu offers. */
export const ZOOM_PRESETS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
/** "Automatic" fits the page width, but never zooms a narrow page beyond this. */
export const AUTO_MAX_SCALE = 1.25;

/** 'auto' and 'page-width' follow the window's width; a number is a fixed zoom. */
export type ZoomMode = 'auto' | 'page-width' | number;

export const clampScale = (scale: number) => Math.min(Math.max(scale, MIN_SCALE), MAX_SCALE);

/** The zoom at which a page `pageWidth` wide (at 100%) fills `containerWidth`, padding aside. */
export function fitWidthScale(pageWidth: number, containerWidth: number): number {
  if (pageWidth <= 0 || containerWidth <= 0) return 1;
  return clampScale((containerWidth - 2 * PAGE_PADDING) / pageWidth);
}

export function resolveScale(mode: ZoomMode, pageWidth: number, containerWidth: number): number {
  if (typeof mode === 'number') return clampScale(mode);
  const fit = fitWidthScale(pageWidth, containerWidth);
  return mode === 'auto' ? Math.min(fit, AUTO_MAX_SCALE) : fit;
}

// Steps compare with a tolerance, so 1.2499 (a fitted width) steps to 1.5, not to 1.25.
const EPSILON = 0.01;

export function zoomIn(scale: number): number {
  return ZOOM_STEPS.find((step) => step > scale + EPSILON) ?? MAX_SCALE;
}

export function zoomOut(scale: number): number {
  return [...ZOOM_STEPS].reverse().find((step) => step < scale - EPSILON) ?? MIN_SCALE;
}

export const formatPercent = (scale: number) => `${Math.round(scale * 100)}%`;

/** The width most pages share (a landscape plate in a portrait paper does not set the zoom). */
export function commonWidth(widths: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const width of widths) {
    const key = Math.round(width);
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > bestCount) {
      best = width;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Device pixels per CSS pixel for a page's canvas: the screen's ratio (sharp on HiDPI), lowered
 * when the canvas would exceed `maxPixels` (a 400% page on a 2x screen is ~55 megapixels, about
 * 220 MB, and browsers refuse canvases that large).
 */
export function canvasPixelRatio(
  cssWidth: number,
  cssHeight: number,
  devicePixelRatio: number,
  maxPixels = 16_777_216,
): number {
  const ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
  const area = cssWidth * cssHeight;
  if (area <= 0 || area * ratio * ratio <= maxPixels) return ratio;
  return Math.sqrt(maxPixels / area);
}
