/**
 * Where each page sits in the scrolling column, and which pages the viewport shows. Pure
 * functions of the page sizes, the zoom and the scroll position, so the reader can keep its
 * place across zooms and the maths is tested without a browser.
 */
import type { PageSize } from './engine';

/** Space around the column of pages and between two pages, in CSS pixels. */
export const PAGE_PADDING = 16;
export const PAGE_GAP = 16;

export interface Layout {
  /** The top edge of each page (0-based index), from the top of the scrolled content. */
  tops: number[];
  widths: number[];
  heights: number[];
  /** The height of the whole column, padding included. */
  totalHeight: number;
  /** The widest page plus the padding on both sides. */
  totalWidth: number;
}

export function computeLayout(sizes: readonly PageSize[], scale: number): Layout {
  const tops: number[] = [];
  const widths: number[] = [];
  const heights: number[] = [];
  let y = PAGE_PADDING;
  let widest = 0;
  for (const size of sizes) {
    // Whole pixels, as pdf.js sizes its layers (round down), so the canvas and text line up.
    const width = Math.floor(size.width * scale);
    const height = Math.floor(size.height * scale);
    tops.push(y);
    widths.push(width);
    heights.push(height);
    widest = Math.max(widest, width);
    y += height + PAGE_GAP;
  }
  const totalHeight = sizes.length ? y - PAGE_GAP + PAGE_PADDING : 0;
  return { tops, widths, heights, totalHeight, totalWidth: widest + 2 * PAGE_PADDING };
}

/** The index of the first page whose bottom edge is below `y` (the last page when none is). */
export function pageIndexAt(layout: Layout, y: number): number {
  const { tops, heights } = layout;
  let low = 0;
  let high = tops.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tops[middle] + heights[middle] <= y) low = middle + 1;
    else high = middle;
  }
  return Math.max(low, 0);
}

/** The pages (0-based, inclusive) with at least one pixel between `top` and `top + height`. */
export function visibleRange(
  layout: Layout,
  top: number,
  height: number,
): { first: number; last: number } | null {
  if (layout.tops.length === 0 || height <= 0) return null;
  const first = pageIndexAt(layout, top);
  if (layout.tops[first] >= top + height) return null; // only a gap or the padding is in view
  let last = first;
  while (last + 1 < layout.tops.length && layout.tops[last + 1] < top + height) last += 1;
  return { first, last };
}

/** The page (0-based) that fills most of the viewport; the upper one on a tie. */
export function mostVisiblePage(layout: Layout, top: number, height: number): number {
  const range = visibleRange(layout, top, height);
  if (!range) return Math.min(pageIndexAt(layout, top), Math.max(layout.tops.length - 1, 0));
  let best = range.first;
  let bestShown = -1;
  for (let index = range.first; index <= range.last; index += 1) {
    const pageTop = layout.tops[index];
    const shown = Math.min(pageTop + layout.heights[index], top + height) - Math.max(pageTop, top);
    if (shown > bestShown) {
      best = index;
      bestShown = shown;
    }
  }
  return best;
}

/** A scroll position that survives a zoom: a page, and how far down it (0 = its top edge). */
export interface Anchor {
  index: number;
  fraction: number;
}

export function anchorAt(layout: Layout, scrollTop: number): Anchor {
  if (layout.tops.length === 0) return { index: 0, fraction: 0 };
  const index = pageIndexAt(layout, scrollTop);
  const fraction = (scrollTop - layout.tops[index]) / Math.max(layout.heights[index], 1);
  return { index, fraction: Math.min(Math.max(fraction, 0), 1) };
}

/** The scrollTop that puts `anchor` at the top of the viewport; a page's top keeps the padding above it. */
export function scrollTopFor(layout: Layout, anchor: Anchor): number {
  if (layout.tops.length === 0) return 0;
  const index = Math.min(Math.max(anchor.index, 0), layout.tops.length - 1);
  const offset = anchor.fraction * layout.heights[index];
  return Math.max(0, offset === 0 ? layout.tops[index] - PAGE_PADDING : layout.tops[index] + offset);
}
