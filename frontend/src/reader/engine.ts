/**
 * The reader's view of a PDF renderer. pdf.js sits behind this interface (pdfjsEngine.ts) so
 * the reader's components run in jsdom with a fake, and so pdf.js is only downloaded once a
 * ready document is opened (it is a chunk of its own, loaded by `loadEngine`).
 */

/** A page's box in CSS pixels at 100% zoom, after the page's own rotation. */
export interface PageSize {
  width: number;
  height: number;
}

/** A job that can be stopped; its promise rejects with a cancellation error once cancelled. */
export interface Job {
  promise: Promise<void>;
  cancel(): void;
}

export interface TextLayerJob extends Job {
  /** Re-lays the text out for a new zoom, without fetching it again. */
  update(scale: number): void;
}

/** [x1, y1, x2, y2]. */
export type Rect = [number, number, number, number];

/** Turns positions on a drawn page into PDF points and back (pdf.js's viewport at one scale). */
export interface PageCoordinates {
  /** A point in CSS pixels from the page's top-left corner → PDF user space. */
  toPdfPoint(x: number, y: number): [number, number];
  /** A rectangle in PDF user space → CSS pixels from the page's top-left corner. */
  toViewportRect(rect: Rect): Rect;
}

export interface PdfPage {
  readonly pageNumber: number;
  readonly size: PageSize;
  /** Draws the page on `canvas` at `scale` (1 = 100%), `pixelRatio` device pixels per CSS pixel. */
  render(canvas: HTMLCanvasElement, scale: number, pixelRatio: number): Job;
  /** Fills `container` with the page's selectable text, laid over the canvas. */
  renderTextLayer(container: HTMLElement, scale: number): TextLayerJob;
  /** PDF user space at `scale`, for annotations; absent in test fakes (the page is taken as unrotated). */
  coordinates?(scale: number): PageCoordinates;
  /** Frees what the page holds for drawing; it can be drawn again later. */
  release(): void;
}

export interface PdfDocument {
  readonly numPages: number;
  /** `pageNumber` is 1-based. */
  getPage(pageNumber: number): Promise<PdfPage>;
}

export interface PdfLoading {
  promise: Promise<PdfDocument>;
  /** Stops the download and frees the document and its worker. */
  destroy(): Promise<void>;
}

export interface PdfEngine {
  open(url: string, onProgress?: (loaded: number, total: number | null) => void): PdfLoading;
}

/** Why opening a PDF failed, in terms the reader can act on. */
export type PdfErrorKind = 'expired' | 'network' | 'invalid' | 'password' | 'unknown';

export function pdfErrorKind(error: unknown): PdfErrorKind {
  const { name, status } = (error ?? {}) as { name?: string; status?: number };
  if (name === 'ResponseException') return status === 403 || status === 400 ? 'expired' : 'network';
  if (name === 'InvalidPDFException') return 'invalid';
  if (name === 'PasswordException') return 'password';
  if (error instanceof TypeError) return 'network'; // fetch() failed outright
  return 'unknown';
}

/** A render or text layer that was stopped on purpose (scrolled away, zoomed, unmounted). */
export function isCancellation(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'RenderingCancelledException' || name === 'AbortException';
}

let engine: Promise<PdfEngine> | null = null;

export function loadEngine(): Promise<PdfEngine> {
  engine ??= import('./pdfjsEngine').then((module) => module.pdfjsEngine);
  // A failed chunk download (offline, a deploy replaced the file) may be retried.
  engine.catch(() => {
    engine = null;
  });
  return engine;
}
