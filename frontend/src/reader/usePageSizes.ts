import { useEffect, useState } from 'react';
import type { PageSize, PdfDocument } from './engine';

const BATCH = 25;
const LETTER: PageSize = { width: 816, height: 1056 };

/**
 * The size of every page, so placeholders give the column its true height before pages are drawn.
 * Every page first takes page 1's size (most documents have one size); the real sizes then arrive
 * in batches in the background, and the reader keeps its place as the column adjusts.
 */
export function usePageSizes(document: PdfDocument | null): PageSize[] | null {
  const [sizes, setSizes] = useState<{ of: PdfDocument; sizes: PageSize[] } | null>(null);

  useEffect(() => {
    if (!document) return;
    let active = true;
    void (async () => {
      const first = (await document.getPage(1)).size;
      if (!active) return;
      let known: PageSize[] = Array.from({ length: document.numPages }, () => first);
      setSizes({ of: document, sizes: known });
      for (let start = 2; start <= document.numPages && active; start += BATCH) {
        const numbers = Array.from(
          { length: Math.min(BATCH, document.numPages - start + 1) },
          (_, i) => start + i,
        );
        const pages = await Promise.all(numbers.map((n) => document.getPage(n)));
        if (!active) return;
        if (pages.some((page) => !sameSize(page.size, known[page.pageNumber - 1]))) {
          known = [...known];
          for (const page of pages) known[page.pageNumber - 1] = page.size;
          setSizes({ of: document, sizes: known });
        }
      }
    })().catch(() => {
      // A page that can't be read keeps the size it has (US Letter if page 1 failed); drawing it
      // then shows the error on the page itself.
      if (!active) return;
      setSizes((current) =>
        current?.of === document ? current : { of: document, sizes: Array(document.numPages).fill(LETTER) },
      );
    });
    return () => {
      active = false;
    };
  }, [document]);

  return sizes && sizes.of === document ? sizes.sizes : null;
}

const sameSize = (a: PageSize, b: PageSize) =>
  Math.abs(a.width - b.width) < 0.5 && Math.abs(a.height - b.height) < 0.5;
