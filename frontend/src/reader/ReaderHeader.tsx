import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ApiError } from '../api/client';
import { getDownloadUrl } from '../api/documents';
import type { DocumentDetail } from '../api/types';
import { ExportMenu } from '../annotations/ExportMenu';
import { Authors } from '../components/Authors';
import { Button } from '../components/Button';
import { DocumentEditDialog, useCanEditDocument } from '../library/DocumentEditDialog';
import { VersionsButton } from '../library/VersionsDialog';
import { PresenceAvatars } from './PresenceAvatars';

interface ReaderHeaderProps {
  teamId: string;
  libraryUrl: string;
  document: DocumentDetail | undefined;
}

/** The document's title, authors and size, the way back to the library, the download and its details. */
export function ReaderHeader({ teamId, libraryUrl, document }: ReaderHeaderProps) {
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);
  const canEdit = useCanEditDocument(document);
  const [editing, setEditing] = useState(false);
  const navigate = useNavigate();

  async function download() {
    if (!document) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      // The URL answers with "Content-Disposition: attachment": the browser saves the file and stays here.
      const { url } = await getDownloadUrl(teamId, document.id);
      window.location.assign(url);
    } catch (error) {
      setDownloadError(error as ApiError);
    } finally {
      setDownloading(false);
    }
  }

  const authors = document?.authors ?? [];
  const pages = document?.pages_total;
  return (
    <header className="reader-header">
      <Link to={libraryUrl} className="reader-back">
        <span aria-hidden="true">← </span>
        <span className="visually-hidden">Back to the </span>Library
      </Link>
      <div className="reader-heading">
        <h1 title={document?.title}>{document?.title ?? 'Document'}</h1>
        {document && (
          <p className="reader-meta muted">
            {authors.length > 0 && <Authors authors={authors} />}
            {pages != null && <span>{pages === 1 ? '1 page' : `${pages} pages`}</span>}
          </p>
        )}
      </div>
      {document?.state === 'ready' && <PresenceAvatars documentId={document.id} />}
      {document && (
        <Button
          variant="secondary"
          pending={downloading}
          pendingText="Preparing…"
          onClick={() => void download()}
        >
          Download PDF
        </Button>
      )}
      {document?.state === 'ready' && <ExportMenu teamId={teamId} documentId={document.id} />}
      {document && <VersionsButton teamId={teamId} document={document} />}
      {document && canEdit && (
        <Button variant="secondary" onClick={() => setEditing(true)}>
          Edit
        </Button>
      )}
      {document && editing && (
        <DocumentEditDialog
          teamId={teamId}
          document={document}
          onClose={() => setEditing(false)}
          onDeleted={() => navigate(libraryUrl, { replace: true })}
        />
      )}
      {downloadError && (
        <div role="alert" className="form-error reader-header-error">
          <p>{downloadError.detail}</p>
        </div>
      )}
    </header>
  );
}
