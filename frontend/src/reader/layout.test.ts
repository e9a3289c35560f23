import { describe, expect, it } from 'vitest';
import {
  PAGE_GAP,
  PAGE_PADDING,
  anchorAt,
  computeLayout,
  mostVisiblePage,
  pageIndexAt,
  scrollTopFor,
  visibleRange,
} from './layout';

const LETTER = { width: 816, height: 1056 };
const LANDSCAPE = { width: 1056, height: 816 };

describe('computeLayout', () => {
  it('stacks pages with padding and gaps, sized by the zoom', () => {
    const layout = computeLayout([LETTER, LANDSCAPE, LETTER], 0.5);
    expect(layout.widths).toEqual([408, 528, 408]);
    expect(layout.heights).toEqual([528, 408, 528]);
    expect(layout.tops).toEqual([
      PAGE_PADDING,
      PAGE_PADDING + 528 + PAGE_GAP,
      PAGE_PADDING + 528 + 408 + 2 * PAGE_GAP,
    ]);
    expect(layout.totalHeight).toBe(2 * PAGE_PADDING + 528 + 408 + 528 + 2 * PAGE_GAP);
    expect(layout.totalWidth).toBe(528 + 2 * PAGE_PADDING);
  });

  it('rounds page boxes down to whole pixels', () => {
    const layout = computeLayout([{ width: 100.9, height: 200.99 }], 1);
    expect(layout.widths).toEqual([100]);
    expect(layout.heights).toEqual([200]);
  });

  it('is empty without pages', () => {
    expect(computeLayout([], 1)).toMatchObject({ tops: [], totalHeight: 0 });
  });
});

describe('visible pages', () => {
  // Pages 100 high at 16..116, 132..232, 248..348, 364..464.
  const layout = computeLayout(Array(4).fill({ width: 100, height: 100 }), 1);

  it('finds the page at a height, a gap belonging to the page below', () => {
    expect(pageIndexAt(layout, 0)).toBe(0);
    expect(pageIndexAt(layout, 115)).toBe(0);
    expect(pageIndexAt(layout, 120)).toBe(1);
    expect(pageIndexAt(layout, 10_000)).toBe(3);
  });

  it('lists the pages that show at least one pixel', () => {
    expect(visibleRange(layout, 0, 100)).toEqual({ first: 0, last: 0 });
    expect(visibleRange(layout, 100, 40)).toEqual({ first: 0, last: 1 });
    expect(visibleRange(layout, 100, 300)).toEqual({ first: 0, last: 3 });
    expect(visibleRange(layout, 118, 10)).toBeNull(); // only the gap between two pages
    expect(visibleRange(layout, 0, 0)).toBeNull();
  });

  it('picks the page that fills most of the viewport', () => {
    expect(mostVisiblePage(layout, 0, 100)).toBe(0);
    expect(mostVisiblePage(layout, 90, 100)).toBe(1); // 26px of page 1, 58px of page 2
    expect(mostVisiblePage(layout, 300, 200)).toBe(3);
    expect(mostVisiblePage(layout, 118, 10)).toBe(1);
  });
});

describe('anchors', () => {
  it('keep the same spot of the same page across a zoom', () => {
    const sizes = Array(10).fill(LETTER);
    const before = computeLayout(sizes, 1);
    const scrollTop = before.tops[4] + before.heights[4] / 4;
    const anchor = anchorAt(before, scrollTop);
    expect(anchor).toEqual({ index: 4, fraction: 0.25 });

    const after = computeLayout(sizes, 2);
    expect(scrollTopFor(after, anchor)).toBe(after.tops[4] + after.heights[4] / 4);
  });

  it('put a page navigated to at the top, with the padding above it', () => {
    const layout = computeLayout(Array(3).fill(LETTER), 1);
    expect(scrollTopFor(layout, { index: 0, fraction: 0 })).toBe(0);
    expect(scrollTopFor(layout, { index: 2, fraction: 0 })).toBe(layout.tops[2] - PAGE_PADDING);
    expect(anchorAt(layout, layout.tops[2] - PAGE_PADDING)).toEqual({ index: 2, fraction: 0 });
    expect(scrollTopFor(layout, { index: 99, fraction: 0 })).toBe(layout.tops[2] - PAGE_PADDING);
  });
});
