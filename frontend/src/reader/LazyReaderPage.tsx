import { lazy, Suspense } from 'react';

// The reader is a chunk of its own (pdf.js another, loaded once a ready document opens), so the
// library and the other pages don't download them.
const ReaderPage = lazy(() =>
  import('../pages/ReaderPage').then((module) => ({ default: module.ReaderPage })),
);

export function LazyReaderPage() {
  return (
    <Suspense
      fallback={
        <p className="page-status" role="status">
          Loading…
        </p>
      }
    >
      <ReaderPage />
    </Suspense>
  );
}
