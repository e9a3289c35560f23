import { describe, expect, it } from 'vitest';
import { PAGE_PADDING } from './layout';
import {
  AUTO_MAX_SCALE,
  MAX_SCALE,
  MIN_SCALE,
  canvasPixelRatio,
  commonWidth,
  fitWidthScale,
  formatPercent,
  resolveScale,
  zoomIn,
  zoomOut,
} from './zoom';

describe('zoom', () => {
  it('fits the page width inside the padding', () => {
    expect(fitWidthScale(800, 800 + 2 * PAGE_PADDING)).toBe(1);
    expect(fitWidthScale(800, 400 + 2 * PAGE_PADDING)).toBe(0.5);
    expect(fitWidthScale(100, 100_000)).toBe(MAX_SCALE);
    expect(fitWidthScale(0, 500)).toBe(1);
  });

  it('resolves automatic, fit width and fixed zooms', () => {
    const wide = 3000;
    expect(resolveScale('page-width', 816, wide)).toBeCloseTo((wide - 2 * PAGE_PADDING) / 816);
    expect(resolveScale('auto', 816, wide)).toBe(AUTO_MAX_SCALE);
    expect(resolveScale('auto', 816, 400 + 2 * PAGE_PADDING)).toBeCloseTo(400 / 816);
    expect(resolveScale(1.5, 816, 10)).toBe(1.5);
    expect(resolveScale(99, 816, 10)).toBe(MAX_SCALE);
  });

  it('steps through the zoom levels, from any zoom', () => {
    expect(zoomIn(1)).toBe(1.1);
    expect(zoomOut(1)).toBe(0.9);
    expect(zoomIn(1.249)).toBe(1.5); // a fitted 124.9% goes to the next step, not to 125%
    expect(zoomIn(1.17)).toBe(1.25);
    expect(zoomOut(1.17)).toBe(1.1);
    expect(zoomIn(MAX_SCALE)).toBe(MAX_SCALE);
    expect(zoomOut(MIN_SCALE)).toBe(MIN_SCALE);
  });

  it('formats percentages', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.6667)).toBe('67%');
  });

  it('takes the width most pages share', () => {
    expect(commonWidth([612, 612, 792, 612])).toBe(612);
    expect(commonWidth([])).toBe(0);
  });
});

describe('canvasPixelRatio', () => {
  it('draws at the screen density', () => {
    expect(canvasPixelRatio(816, 1056, 2)).toBe(2);
    expect(canvasPixelRatio(816, 1056, 1)).toBe(1);
    expect(canvasPixelRatio(816, 1056, 0)).toBe(1);
  });

  it('lowers it when the canvas would be too large', () => {
    const ratio = canvasPixelRatio(4000, 5000, 2, 16_000_000);
    expect(ratio).toBeLessThan(1);
    expect(4000 * ratio * 5000 * ratio).toBeCloseTo(16_000_000);
  });
});
