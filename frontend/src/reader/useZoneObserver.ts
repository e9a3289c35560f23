import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Which pages are within `rootMargin` of the scrolling viewport (e.g. "100% 0px": one screen
 * above or below), by their `data-page-number`. Pages register themselves with `observe`.
 */
export function useZoneObserver(rootRef: RefObject<Element | null>, rootMargin: string) {
  const [inZone, setInZone] = useState<ReadonlySet<number>>(() => new Set());
  const elements = useRef(new Set<Element>());
  const observer = useRef<IntersectionObserver | null>(null);

  useEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return; // jsdom: nothing is drawn
    const io = new IntersectionObserver(
      (entries) =>
        setInZone((previous) => {
          const next = new Set(previous);
          for (const entry of entries) {
            const page = Number((entry.target as HTMLElement).dataset.pageNumber);
            if (entry.isIntersecting) next.add(page);
            else next.delete(page);
          }
          return next;
        }),
      { root: rootRef.current, rootMargin },
    );
    observer.current = io;
    // Pages mount (and register) before this effect runs.
    for (const element of elements.current) io.observe(element);
    return () => {
      io.disconnect();
      observer.current = null;
    };
  }, [rootRef, rootMargin]);

  const observe = useCallback((element: Element) => {
    elements.current.add(element);
    observer.current?.observe(element);
    return () => {
      elements.current.delete(element);
      observer.current?.unobserve(element);
    };
  }, []);

  return [inZone, observe] as const;
}
