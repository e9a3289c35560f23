import { describe, expect, it } from 'vitest';
import {
  locateQuote,
  locateSpan,
  mergeLineRects,
  normalise,
  readSelection,
  rectsOnPage,
  simpleCoordinates,
  toPdfRects,
  toViewportBoxes,
} from './anchoring';

// As pdfium stores it: de-hyphenated, ligatures as letters, one \n per line.
const STORED =
  'Attention Is All You Need\nThe dominant sequence transduction models are based on complex recurrent or\n' +
  'convolutional neural networks. The best performing models also connect the encoder and\n' +
  'decoder through an attention mechanism. We propose a new simple network architecture, the\n' +
  'Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions\n' +
  'entirely. Experiments on two machine translation tasks show these models to be superior in quality\n' +
  'while being more parallelizable and requiring signiﬁcantly less time to train.';

describe('normalise', () => {
  it('drops whitespace and dashes and maps back to the original offsets', () => {
    const { text, origin } = normalise('a -\nb ﬁ');
    expect(text).toBe('abfi');
    expect(origin).toEqual([0, 4, 6, 6]);
  });
});

describe('locateQuote', () => {
  it('finds a selection that pdf.js split across lines with a hyphen', () => {
    // The text layer: "paral-" at the end of a line, "lelizable" on the next, and a ligature as letters.
    const anchor = locateQuote(
      STORED,
      'more paral-\nlelizable and requiring signifi-\ncantly less',
      'while being ',
      ' time',
    );
    expect(anchor).not.toBeNull();
    const { start, end } = anchor!.position;
    expect(STORED.slice(start, end)).toBe('more parallelizable and requiring signiﬁcantly less');
    expect(anchor!.quote.exact).toBe(STORED.slice(start, end));
    expect(anchor!.quote.prefix).toBe(STORED.slice(start - 32, start));
    expect(anchor!.quote.suffix).toBe(STORED.slice(end, end + 32));
  });

  it('picks the occurrence of a repeated word from the text around the selection', () => {
    const first = STORED.indexOf('attention');
    const second = STORED.indexOf('attention', first + 1);
    const atSecond = locateQuote(STORED, 'attention', 'based solely on ', ' mechanisms, dispensing');
    expect(atSecond!.position).toEqual({ start: second, end: second + 'attention'.length });
    const atFirst = locateQuote(STORED, 'attention', 'decoder through an ', ' mechanism. We');
    expect(atFirst!.position).toEqual({ start: first, end: first + 'attention'.length });
  });

  it('counts the position in characters, as the server does, not in UTF-16 code units', () => {
    const stored = 'Let 𝐀 and 𝐁 be matrices; then 𝐀𝐁 is defined.';
    const anchor = locateQuote(stored, '𝐀𝐁 is defined', 'matrices; then ', '.');
    const characters = Array.from(stored);
    const { start, end } = anchor!.position;
    expect(characters.slice(start, end).join('')).toBe('𝐀𝐁 is defined');
    expect(anchor!.quote.exact).toBe('𝐀𝐁 is defined');
  });

  it('tolerates spaces that pdf.js adds or leaves out between text runs', () => {
    const anchor = locateQuote(STORED, 'Attention Is AllYou  Need', '', 'The dominant');
    expect(anchor!.quote.exact).toBe('Attention Is All You Need');
    expect(anchor!.quote.prefix).toBe('');
    expect(anchor!.position.start).toBe(0);
  });

  it('gives null for text the page does not have', () => {
    expect(locateQuote(STORED, 'generative adversarial')).toBeNull();
    expect(locateQuote(STORED, ' \n ')).toBeNull();
  });
});

describe('rectangles', () => {
  it('merges the runs of one line and keeps lines apart', () => {
    const lines = mergeLineRects([
      [10, 100, 50, 112],
      [50, 101, 120, 112],
      [0, 0, 0, 0],
      [10, 114, 80, 126],
    ]);
    expect(lines).toEqual([
      [10, 100, 120, 112],
      [10, 114, 80, 126],
    ]);
  });

  it('round-trips through PDF points at any scale', () => {
    const at2 = simpleCoordinates(792, 2);
    const pdf = toPdfRects([[20, 40, 220, 64]], at2);
    expect(pdf).toEqual([[10, 760, 110, 772]]);
    const at1 = simpleCoordinates(792, 1);
    expect(toViewportBoxes(pdf, at1)).toEqual([{ left: 10, top: 20, width: 100, height: 12 }]);
  });
});

/** jsdom lays nothing out: every range has this one client rectangle while the test runs. */
function stubClientRects(rect: DOMRect): () => void {
  Object.defineProperty(Range.prototype, 'getClientRects', {
    configurable: true,
    value: () => [rect] as unknown as DOMRectList,
  });
  return () => {
    delete (Range.prototype as Partial<Range>).getClientRects;
  };
}

describe('a highlight over a page break', () => {
  const FIRST_PAGE = 'Results\nThe fringes moved by half a\n';
  const SECOND_PAGE = 'period when the mirror moved.\nDiscussion';

  it('is anchored from its start on the first page to its end on the next', () => {
    const found = locateSpan(
      FIRST_PAGE,
      { text: 'moved by half a', before: 'Results The fringes ' },
      SECOND_PAGE,
      { text: 'period', after: ' when the mirror moved. Discussion' },
    );
    expect(found).not.toBeNull();
    expect(FIRST_PAGE.slice(found!.position.start)).toBe('moved by half a\n');
    expect(SECOND_PAGE.slice(0, found!.position.end)).toBe('period');
    expect(found!.quote).toEqual({
      exact: 'moved by half a\nperiod',
      prefix: 'Results\nThe fringes ',
      suffix: SECOND_PAGE.slice('period'.length, 'period'.length + 32),
    });
  });

  it('is not anchored when a part is not in its page', () => {
    expect(
      locateSpan(FIRST_PAGE, { text: 'half a', before: '' }, SECOND_PAGE, { text: 'nowhere', after: '' }),
    ).toBeNull();
  });

  it('has its rectangles on each page it is on', () => {
    const annotation = {
      page_index: 3,
      anchors: { rects: [[1, 2, 3, 4]], continued: [{ page_index: 4, rects: [[5, 6, 7, 8]] }] },
    };
    expect(rectsOnPage(annotation, 3)).toEqual([[1, 2, 3, 4]]);
    expect(rectsOnPage(annotation, 4)).toEqual([[5, 6, 7, 8]]);
    expect(rectsOnPage(annotation, 5)).toEqual([]);
  });

  it('is read from a selection across two pages’ text layers', () => {
    document.body.innerHTML = `
      <div class="reader-page" data-page-number="1"><div class="textLayer"><span>The fringes moved by half a</span></div></div>
      <div class="reader-page" data-page-number="2"><div class="textLayer"><span>period when the mirror moved.</span></div></div>`;
    const [first, second] = Array.from(document.querySelectorAll('.textLayer span'));
    const restore = stubClientRects(new DOMRect(10, 20, 80, 12));
    const range = document.createRange();
    range.setStart(first.firstChild!, 'The fringes '.length);
    range.setEnd(second.firstChild!, 'period'.length);
    const selection = { isCollapsed: false, rangeCount: 1, getRangeAt: () => range } as unknown as Selection;

    const read = readSelection(selection);

    expect(read).not.toBeNull();
    expect([read!.pageIndex, read!.text, read!.before, read!.after]).toEqual([
      0,
      'moved by half a',
      'The fringes ',
      '',
    ]);
    expect(read!.rects).toEqual([[10, 20, 90, 32]]);
    expect(read!.continued).toHaveLength(1);
    const [part] = read!.continued!;
    expect([part.pageIndex, part.text, part.after]).toEqual([1, 'period', ' when the mirror moved.']);
    expect(part.rects).toEqual([[10, 20, 90, 32]]);
    restore();
    document.body.innerHTML = '';
  });

  it('stays on one page when it ends there', () => {
    document.body.innerHTML = `<div class="reader-page" data-page-number="3"><div class="textLayer"><span>Only here.</span></div></div>`;
    const span = document.querySelector('.textLayer span')!;
    const restore = stubClientRects(new DOMRect(0, 0, 30, 10));
    const range = document.createRange();
    range.setStart(span.firstChild!, 0);
    range.setEnd(span.firstChild!, 4);
    const read = readSelection({
      isCollapsed: false,
      rangeCount: 1,
      getRangeAt: () => range,
    } as unknown as Selection);
    expect([read!.pageIndex, read!.text, read!.continued]).toEqual([2, 'Only', []]);
    restore();
    document.body.innerHTML = '';
  });
});
