import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useDocument } from '../api/documents';
import type { DocumentDetail } from '../api/types';
import { Button } from '../components/Button';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { PdfReader } from '../reader/PdfReader';
import { ReaderHeader } from '../reader/ReaderHeader';
import { useDeletedWhileOpen } from '../reader/useDeletedWhileOpen';
import { useNewVersion } from '../reader/useNewVersion';
import { teamUrl, useCurrentTeam } from '../teams/currentTeam';
import '../reader/reader.css';

/** The document is not there: 404, or 400 for an id that is not one. */
const isMissing = (error: ApiError | null) =>
  error instanceof ApiError && (error.status === 404 || error.status === 400);

/** /t/:teamId/documents/:documentId — one document, read in the browser once it is parsed. */
export function ReaderPage() {
  const team = useCurrentTeam();
  const { documentId = '' } = useParams();
  const detail = useDocument(team.id, documentId);
  // Deleted by someone while open: the socket says so, or (an event missed while offline) the detail,
  // asked for again, is a 404 while the page still holds the document.
  const deleted = useDeletedWhileOpen(team.id, documentId) || (isMissing(detail.error) && !!detail.data);
  const missing = deleted || isMissing(detail.error);
  const document = missing ? undefined : detail.data;
  useDocumentTitle(missing ? 'Document not found' : document?.title || 'Document');
  useNewVersion(team.id, document);
  const libraryUrl = teamUrl(team.id);

  let body;
  if (missing) {
    body = (
      <div className="page-status">
        <p role="alert">
          {deleted ? (
            <>
              <strong>This document was deleted.</strong> It is no longer in the library, nor are its
              annotations.
            </>
          ) : (
            "This document doesn't exist, or it was deleted."
          )}
        </p>
        <Link to={libraryUrl}>Back to the library</Link>
      </div>
    );
  } else if (!document) {
    body = detail.error ? (
      <div className="page-status">
        <div role="alert" className="form-error">
          <p>{detail.error.detail}</p>
        </div>
        <Button variant="secondary" onClick={() => void detail.refetch()}>
          Try again
        </Button>
      </div>
    ) : (
      <p className="page-status" role="status">
        Loading…
      </p>
    );
  } else if (document.state === 'ready') {
    // A new version is another file: the reader opens it afresh.
    body = <PdfReader key={document.version} teamId={team.id} document={document} />;
  } else if (document.state === 'failed') {
    body = (
      <div className="page-status">
        <div role="alert" className="form-error">
          <p>
            <strong>This PDF couldn't be read.</strong> {document.error?.message}
          </p>
        </div>
        <p>You can still download the file.</p>
      </div>
    );
  } else {
    body = <ParseProgress document={document} />;
  }

  return (
    <div className="reader">
      <ReaderHeader teamId={team.id} libraryUrl={libraryUrl} document={document} />
      {body}
    </div>
  );
}

/** Queued or parsing: the document detail is refreshed as the parse advances (live updates). */
function ParseProgress({ document }: { document: DocumentDetail }) {
  const { state, pages_done: done, pages_total: total } = document;
  const label =
    state === 'queued'
      ? 'Waiting for its turn to be read…'
      : total
        ? `Reading page ${Math.min(done, total)} of ${total}…`
        : 'Reading the PDF…';
  return (
    <div className="page-status" role="status">
      <p>{label}</p>
      <progress
        max={total ?? undefined}
        value={state === 'parsing' && total ? done : undefined}
        aria-label="Reading the PDF"
      />
      <p className="muted">The document opens here as soon as it is ready.</p>
    </div>
  );
}
