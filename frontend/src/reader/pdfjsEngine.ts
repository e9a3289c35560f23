/**
 * The reader's PDF engine on pdf.js. Only engine.ts imports this module (dynamically), so pdf.js
 * is a chunk of its own and the rest of the app never downloads it.
 *
 * The legacy build: the modern one calls Map.getOrInsertComputed and Math.sumPrecise natively,
 * which Firefox ESR and Safari before 26 lack; the legacy build brings polyfills for ~60 kB more.
 */
import {
  GlobalWorkerOptions,
  TextLayer,
  getDocument,
  type PDFDocumentProxy,
  type PDFPageProxy,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import workerUrl from 'pdfjs-dist/legacy/build/pdf.worker.min.mjs?url';
import type { Job, PageCoordinates, PdfDocument, PdfEngine, PdfPage, Rect, TextLayerJob } from './engine';

// The worker is a file of the build (served from /static/assets/ beside the app), never a CDN.
GlobalWorkerOptions.workerSrc = workerUrl;

/** pdf.js's 100%: a PDF point is 1/72 inch, a CSS pixel 1/96. */
const PDF_TO_CSS_UNITS = 96 / 72;

// Files pdf.js asks for while parsing some PDFs: character maps of CJK fonts without embedded
// glyphs, the 14 standard fonts, and the JPEG 2000 and JBIG2 decoders (scans). They are emitted
// as fingerprinted assets, fetched only when a PDF needs one.
const bundledFiles: Record<string, Record<string, string>> = {
  cMapUrl: byName(
    import.meta.glob<string>('/node_modules/pdfjs-dist/cmaps/*.bcmap', {
      query: '?url',
      import: 'default',
      eager: true,
    }),
  ),
  standardFontDataUrl: byName(
    import.meta.glob<string>('/node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', {
      query: '?url',
      import: 'default',
      eager: true,
    }),
  ),
  wasmUrl: byName(
    import.meta.glob<string>('/node_modules/pdfjs-dist/wasm/{openjpeg,jbig2}.wasm', {
      query: '?url',
      import: 'default',
      eager: true,
    }),
  ),
};

function byName(urls: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(urls).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]),
  );
}

/** Hands pdf.js the bundled files by name (their URLs carry a content hash, so no base URL fits). */
class BundledDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = bundledFiles[kind]?.[filename];
    if (!url) throw new Error(`${filename} (${kind}) is not bundled with the reader`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Loading ${url} failed with HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

class PdfjsPage implements PdfPage {
  readonly pageNumber: number;
  readonly size;
  readonly #page: PDFPageProxy;

  constructor(page: PDFPageProxy) {
    this.#page = page;
    this.pageNumber = page.pageNumber;
    const { width, height } = page.getViewport({ scale: PDF_TO_CSS_UNITS });
    this.size = { width, height };
  }

  #viewport(scale: number) {
    return this.#page.getViewport({ scale: scale * PDF_TO_CSS_UNITS });
  }

  render(canvas: HTMLCanvasElement, scale: number, pixelRatio: number): Job {
    const viewport = this.#viewport(scale);
    canvas.width = Math.floor(viewport.width * pixelRatio);
    canvas.height = Math.floor(viewport.height * pixelRatio);
    const task = this.#page.render({
      canvas,
      viewport,
      transform: pixelRatio === 1 ? undefined : [pixelRatio, 0, 0, pixelRatio, 0, 0],
    });
    return { promise: task.promise, cancel: () => task.cancel() };
  }

  renderTextLayer(container: HTMLElement, scale: number): TextLayerJob {
    const setScale = (viewport: { scale: number; userUnit: number }) => {
      // reader.css sizes the layer and its text from these (pdf.js's --total-scale-factor).
      container.style.setProperty('--scale-factor', String(viewport.scale));
      container.style.setProperty('--user-unit', String(viewport.userUnit));
    };
    const viewport = this.#viewport(scale);
    setScale(viewport);
    const layer = new TextLayer({ textContentSource: this.#page.streamTextContent(), container, viewport });
    const promise = layer.render().then(() => {
      // Lets a selection dragged past the last line end on the page instead of jumping (pdf.js viewer).
      const end = document.createElement('div');
      end.className = 'endOfContent';
      container.append(end);
    });
    return {
      promise,
      cancel: () => layer.cancel(),
      update: (newScale) => {
        const next = this.#viewport(newScale);
        setScale(next);
        layer.update({ viewport: next });
      },
    };
  }

  coordinates(scale: number): PageCoordinates {
    const viewport = this.#viewport(scale);
    return {
      toPdfPoint: (x, y) => viewport.convertToPdfPoint(x, y) as [number, number],
      toViewportRect: ([x1, y1, x2, y2]) => {
        const [a, b] = viewport.convertToViewportPoint(x1, y1) as number[];
        const [c, d] = viewport.convertToViewportPoint(x2, y2) as number[];
        return [a, b, c, d] as Rect;
      },
    };
  }

  release() {
    try {
      this.#page.cleanup();
    } catch {
      // The document was destroyed meanwhile (closed or reopened): nothing is left to free.
    }
  }
}

class PdfjsDocument implements PdfDocument {
  readonly numPages: number;
  readonly #document: PDFDocumentProxy;
  readonly #pages = new Map<number, Promise<PdfPage>>();

  constructor(document: PDFDocumentProxy) {
    this.#document = document;
    this.numPages = document.numPages;
  }

  getPage(pageNumber: number): Promise<PdfPage> {
    let page = this.#pages.get(pageNumber);
    if (!page) {
      page = this.#document.getPage(pageNumber).then((proxy) => new PdfjsPage(proxy));
      page.catch(() => this.#pages.delete(pageNumber));
      this.#pages.set(pageNumber, page);
    }
    return page;
  }
}

export const pdfjsEngine: PdfEngine = {
  open(url, onProgress) {
    const task = getDocument({
      url,
      BinaryDataFactory: BundledDataFactory,
      // The worker asks this page for those files, which then come from BundledDataFactory.
      useWorkerFetch: false,
    });
    if (onProgress)
      task.onProgress = ({ loaded, total }: { loaded: number; total: number }) =>
        onProgress(loaded, total || null);
    return {
      promise: task.promise.then((document) => new PdfjsDocument(document)),
      destroy: () => task.destroy(),
    };
  },
};
