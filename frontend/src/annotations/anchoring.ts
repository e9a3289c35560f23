/**
 * Anchors of an annotation (W3C Web Annotation selectors) computed from a selection in pdf.js's text
 * layer, against the page text the server stored (pdfium's extraction).
 *
 * The two texts differ in ways that don't matter to a reader: pdf.js splits lines with breaks and keeps
 * the hyphen of a word broken across lines, pdfium joins it ("pack-⏎ages" → "packages"); ligatures may
 * come out as one code point (ﬁ) on one side and two letters on the other; spaces come and go between
 * text runs. Both are compared in a normal form without whitespace or dashes, with each normalised
 * character mapped back to its offset in the original, so the offsets sent are offsets in the stored text.
 */

/** TextQuoteSelector. */
export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
}

/** TextPositionSelector: offsets in the stored text of the page. */
export interface PositionSelector {
  start: number;
  end: number;
}

import type { PageCoordinates, Rect } from '../reader/engine';

export type { PageCoordinates, Rect };

export const CONTEXT_LENGTH = 32;

// Whitespace, soft hyphens, dashes and pdfium's line-end hyphen marker don't take part in matching.
const SKIPPED = /[\s\u00ad\u2010\u2011\u2012\u2013\u2014\u2212\ufffe\u0002-]/u;
const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"' };

export interface NormalisedText {
  text: string;
  /** For each character of `text`, the offset of the character it came from in the original. */
  origin: number[];
}

export function normalise(original: string): NormalisedText {
  let text = '';
  const origin: number[] = [];
  let offset = 0;
  for (const char of original) {
    if (!SKIPPED.test(char)) {
      const folded = QUOTES[char] ?? char.normalize('NFKC');
      for (const unit of folded) {
        if (SKIPPED.test(unit)) continue;
        text += unit;
        for (let i = 0; i < unit.length; i++) origin.push(offset);
      }
    }
    offset += char.length;
  }
  return { text, origin };
}

function commonSuffixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * A UTF-16 offset into `text` as a number of characters (code points). A TextPositionSelector counts
 * characters, not JavaScript's code units (W3C Web Annotation, 4.2.5), as the server does: the two differ
 * after any character outside the BMP, such as the math alphanumerics of unicode-math papers.
 */
export function codePointOffset(text: string, utf16Offset: number): number {
  return Array.from(text.slice(0, utf16Offset)).length;
}

export interface TextAnchor {
  quote: QuoteSelector;
  position: PositionSelector;
}

/**
 * Finds `selected` in `stored`; `before` and `after` are the text around the selection on the page as
 * the text layer shows it, which picks the occurrence when the quote appears more than once.
 * Null when the selection isn't in the stored text at all (a scanned page, a different parse).
 */
export function locateQuote(stored: string, selected: string, before = '', after = ''): TextAnchor | null {
  const page = normalise(stored);
  const needle = normalise(selected).text;
  if (!needle) return null;
  const context = { before: normalise(before).text, after: normalise(after).text };

  let best = -1;
  let bestScore = -1;
  for (let at = page.text.indexOf(needle); at !== -1; at = page.text.indexOf(needle, at + 1)) {
    const score =
      commonSuffixLength(page.text.slice(Math.max(0, at - 64), at), context.before.slice(-64)) +
      commonPrefixLength(
        page.text.slice(at + needle.length, at + needle.length + 64),
        context.after.slice(0, 64),
      );
    if (score > bestScore) {
      best = at;
      bestScore = score;
    }
  }
  if (best === -1) return null;

  const start = page.origin[best];
  const last = page.origin[best + needle.length - 1];
  // The end is after the whole last character (a surrogate pair is two code units).
  const end = last + (stored.codePointAt(last)! > 0xffff ? 2 : 1);
  return {
    position: { start: codePointOffset(stored, start), end: codePointOffset(stored, end) },
    quote: {
      exact: stored.slice(start, end),
      prefix: stored.slice(Math.max(0, start - CONTEXT_LENGTH), start),
      suffix: stored.slice(end, end + CONTEXT_LENGTH),
    },
  };
}

/** Client rectangles of a selection, one per line: pdf.js gives one per text run (and some empty). */
export function mergeLineRects(rects: Rect[], tolerance = 3): Rect[] {
  const lines: Rect[] = [];
  const sorted = rects
    .filter(([x1, y1, x2, y2]) => x2 - x1 > 0.5 && y2 - y1 > 0.5)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  for (const rect of sorted) {
    const line = lines.find((other) => {
      const overlap = Math.min(other[3], rect[3]) - Math.max(other[1], rect[1]);
      const height = Math.min(other[3] - other[1], rect[3] - rect[1]);
      return (
        overlap > height / 2 && rect[0] <= other[2] + tolerance * 4 && rect[2] >= other[0] - tolerance * 4
      );
    });
    if (line) {
      line[0] = Math.min(line[0], rect[0]);
      line[1] = Math.min(line[1], rect[1]);
      line[2] = Math.max(line[2], rect[2]);
      line[3] = Math.max(line[3], rect[3]);
    } else {
      lines.push([...rect]);
    }
  }
  return lines;
}

function ordered([x1, y1, x2, y2]: Rect): Rect {
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Page-relative CSS-pixel rectangles → PDF user-space rectangles. */
export function toPdfRects(rects: Rect[], coordinates: PageCoordinates): Rect[] {
  return rects.map(([x1, y1, x2, y2]) => {
    const [a, b] = coordinates.toPdfPoint(x1, y1);
    const [c, d] = coordinates.toPdfPoint(x2, y2);
    return ordered([round(a), round(b), round(c), round(d)]);
  });
}

/** PDF user-space rectangles → page-relative CSS-pixel boxes to draw. */
export function toViewportBoxes(rects: number[][], coordinates: PageCoordinates) {
  return rects.map((rect) => {
    const [x1, y1, x2, y2] = ordered(coordinates.toViewportRect(rect as Rect));
    return { left: x1, top: y1, width: x2 - x1, height: y2 - y1 };
  });
}

/** The coordinates of an unrotated page `height` points tall at `scale` CSS pixels per point. */
export function simpleCoordinates(height: number, scale: number): PageCoordinates {
  return {
    toPdfPoint: (x, y) => [x / scale, height - y / scale],
    toViewportRect: ([x1, y1, x2, y2]) => [
      x1 * scale,
      (height - y1) * scale,
      x2 * scale,
      (height - y2) * scale,
    ],
  };
}

export interface DomSelection {
  /** 0-based. */
  pageIndex: number;
  text: string;
  before: string;
  after: string;
  /** Per line, in CSS pixels from the page's top-left corner. */
  rects: Rect[];
  pageElement: HTMLElement;
  /** Where the selection runs on over a page break: the following pages, in order (none on one page). */
  continued?: SelectionPart[];
}

/** The part of a selection on a page after its first: from the top of the page's text to its end. */
export interface SelectionPart {
  pageIndex: number;
  text: string;
  /** The text after the selection on this page (empty unless the selection ends here). */
  after: string;
  rects: Rect[];
  pageElement: HTMLElement;
}

/** Pages a selection may run onto after its first (the server takes up to ten). */
export const MAX_CONTINUED_PAGES = 10;

/** A selection's client rectangles, one per line, relative to its page's top-left corner. */
function pageRects(range: Range, pageElement: HTMLElement): Rect[] {
  const origin = pageElement.getBoundingClientRect();
  return mergeLineRects(
    Array.from(range.getClientRects(), (rect): Rect => [
      rect.left - origin.left,
      rect.top - origin.top,
      rect.right - origin.left,
      rect.bottom - origin.top,
    ]),
  );
}

/** The parts of `range` on the pages after `first` that hold a text layer, up to the page it ends on. */
function continuation(range: Range, first: HTMLElement): SelectionPart[] {
  const endElement =
    range.endContainer instanceof Element ? range.endContainer : range.endContainer.parentElement;
  const lastPage = endElement?.closest<HTMLElement>('.reader-page');
  if (!lastPage || lastPage === first) return [];
  const pages = Array.from(window.document.querySelectorAll<HTMLElement>('.reader-page'));
  const from = pages.indexOf(first);
  const to = pages.indexOf(lastPage);
  if (from === -1 || to <= from) return [];
  const parts: SelectionPart[] = [];
  for (const pageElement of pages.slice(from + 1, to + 1).slice(0, MAX_CONTINUED_PAGES)) {
    const layer = pageElement.querySelector('.textLayer');
    const pageNumber = Number(pageElement.dataset.pageNumber);
    if (!layer || !pageNumber) continue; // not drawn: nothing of it is selected
    const part = window.document.createRange();
    part.setStart(layer, 0);
    const ends = layer.contains(range.endContainer);
    if (ends) part.setEnd(range.endContainer, range.endOffset);
    else part.setEnd(layer, layer.childNodes.length);
    const text = part.toString();
    const rects = pageRects(part, pageElement);
    if (!text.trim() || rects.length === 0) continue;
    let after = '';
    if (ends) {
      const rest = window.document.createRange();
      rest.setStart(range.endContainer, range.endOffset);
      rest.setEnd(layer, layer.childNodes.length);
      after = rest.toString();
    }
    parts.push({ pageIndex: pageNumber - 1, text, after, rects, pageElement });
  }
  return parts;
}

/**
 * A highlight's quote and position over a page break, from its part on the first page (`head`, up to
 * the end of that page) and on the last (`tail`, from the top of it): the start in the first page's
 * stored text, the end in the last's, and the quote as the two parts joined by a line break (the pages
 * between, if any, are not repeated in it). Null when either part is not in its stored text.
 */
export function locateSpan(
  firstStored: string,
  head: { text: string; before: string },
  lastStored: string,
  tail: { text: string; after: string },
): TextAnchor | null {
  const start = locateQuote(firstStored, head.text, head.before, '');
  const end = locateQuote(lastStored, tail.text, '', tail.after);
  if (!start || !end) return null;
  return {
    position: { start: start.position.start, end: end.position.end },
    quote: {
      exact: `${start.quote.exact}\n${end.quote.exact}`,
      prefix: start.quote.prefix,
      suffix: end.quote.suffix,
    },
  };
}

/** The rectangles (PDF points) an annotation has on `pageIndex`: its own page's, or a continuation's. */
export function rectsOnPage(
  annotation: {
    page_index: number;
    anchors: { rects?: number[][]; continued?: { page_index: number; rects: number[][] }[] };
  },
  pageIndex: number,
): number[][] {
  if (annotation.page_index === pageIndex) return annotation.anchors.rects ?? [];
  return annotation.anchors.continued?.find((part) => part.page_index === pageIndex)?.rects ?? [];
}

/**
 * Reads a selection made in a page's text layer: the page, the text, the text around it on the page,
 * and its rectangles. A selection running onto the following pages has their parts in `continued`.
 */
export function readSelection(selection: Selection | null): DomSelection | null {
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const startElement =
    range.startContainer instanceof Element ? range.startContainer : range.startContainer.parentElement;
  const layer = startElement?.closest('.textLayer');
  const pageElement = layer?.closest<HTMLElement>('.reader-page');
  if (!layer || !pageElement) return null;
  const pageNumber = Number(pageElement.dataset.pageNumber);
  if (!pageNumber) return null;

  const inPage = range.cloneRange();
  const onePage = layer.contains(range.endContainer);
  if (!onePage) inPage.setEnd(layer, layer.childNodes.length);
  const text = inPage.toString();
  if (!text.trim()) return null;
  const before = window.document.createRange();
  before.setStart(layer, 0);
  before.setEnd(inPage.startContainer, inPage.startOffset);
  const after = window.document.createRange();
  after.setStart(inPage.endContainer, inPage.endOffset);
  after.setEnd(layer, layer.childNodes.length);

  return {
    pageIndex: pageNumber - 1,
    text,
    before: before.toString(),
    after: after.toString(),
    rects: pageRects(inPage, pageElement),
    pageElement,
    continued: onePage ? [] : continuation(range, pageElement),
  };
}
