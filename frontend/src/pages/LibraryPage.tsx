import { useDocumentTitle } from '../lib/useDocumentTitle';

export function LibraryPage() {
  useDocumentTitle('Library');
  return (
    <>
      <h1>Library</h1>
      <section className="empty-state" aria-labelledby="library-empty">
        <h2 id="library-empty">No documents yet</h2>
        <p>PDFs uploaded by your team will appear here.</p>
      </section>
    </>
  );
}
