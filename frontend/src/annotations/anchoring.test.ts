import { describe, expect, it } from 'vitest';
import {
  locateQuote,
  mergeLineRects,
  normalise,
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
