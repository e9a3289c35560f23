import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { documentKeys, getVersionDownloadUrl, useVersions } from '../api/documents';
import type { DocumentDetail, DocumentVersion } from '../api/types';
import { Button } from '../components/Button';
import { formatDateTime } from '../lib/formatDateTime';
import { Dialog } from '../teams/Dialog';
import { useCanEditDocument } from './DocumentEditDialog';
import { formatBytes, percent, plural } from './format';
import { StateBadge } from './StateBadge';
import { useUploadQueue } from './useUploadQueue';
import './versions.css';

interface VersionsDialogProps {
  teamId: string;
  document: DocumentDetail;
  onClose: () => void;
}

const BUSY = new Set(['queued', 'parsing']);

/**
 * The files the document has had, each downloadable, and the upload of a new one (through the team's
 * upload queue, to wherever the API says). The document keeps its id, tags and annotations; while the
 * new file is read its state goes queued → parsing → ready, shown here live, and the reader opens it
 * when it is ready. Annotations are then carried over; those that can't be placed are listed apart.
 */
export function VersionsDialog({ teamId, document, onClose }: VersionsDialogProps) {
  const versions = useVersions(teamId, document.id);
  const canEdit = useCanEditDocument(document);
  const busy = BUSY.has(document.state);

  return (
    <Dialog title="Versions" onClose={onClose}>
      <div className="versions">
        <p className="versions-current">
          Version {document.version} <StateBadge state={document.state} />
          {document.state === 'parsing' && document.pages_total
            ? ` page ${Math.min(document.pages_done, document.pages_total)} of ${document.pages_total}`
            : null}
        </p>
        {canEdit && <NewVersion teamId={teamId} document={document} busy={busy} />}
        <h3>All versions</h3>
        {versions.error ? (
          <p role="alert" className="form-error">
            {versions.error instanceof ApiError ? versions.error.detail : 'The versions could not be loaded.'}
          </p>
        ) : !versions.data ? (
          <p role="status">Loading…</p>
        ) : (
          <ol className="versions-list" aria-label="Versions">
            {versions.data.results.map((version) => (
              <VersionRow key={version.number} teamId={teamId} documentId={document.id} version={version} />
            ))}
          </ol>
        )}
      </div>
    </Dialog>
  );
}

function NewVersion({ teamId, document, busy }: { teamId: string; document: DocumentDetail; busy: boolean }) {
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  const { queue, items } = useUploadQueue(teamId);
  const [key, setKey] = useState<string | null>(null);
  const item = key ? items.find((row) => row.key === key) : undefined;
  const finished = useRef<string | null>(null);

  useEffect(() => {
    // The document is queued again: its detail (state, version) and its versions are refetched.
    if (item?.phase === 'done' && finished.current !== item.key) {
      finished.current = item.key;
      const summary = item.document;
      // Shown at once (queued, the new number), then the whole detail and the versions are refetched.
      if (summary)
        queryClient.setQueryData<DocumentDetail>(documentKeys.detail(teamId, document.id), (detail) =>
          detail ? { ...detail, ...summary } : detail,
        );
      void queryClient.invalidateQueries({ queryKey: documentKeys.detail(teamId, document.id) });
    }
  }, [item, queryClient, teamId, document.id]);

  const sending = item && ['waiting', 'starting', 'uploading', 'completing'].includes(item.phase);
  return (
    <div className="versions-upload">
      <Button
        aria-describedby={hintId}
        disabled={busy || Boolean(sending)}
        onClick={() => input.current?.click()}
      >
        Upload new version
      </Button>
      <input
        ref={input}
        type="file"
        accept="application/pdf,.pdf"
        aria-label="New version of the PDF"
        hidden
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = ''; // choosing the same file again still fires a change
          if (file) setKey(queue.add([file], { versionOf: document.id })[0] ?? null);
        }}
      />
      <p id={hintId} className="muted">
        {busy
          ? 'The current file is still being read; a new version can be uploaded once it is ready.'
          : 'The document keeps its tags and annotations. Annotations are placed on the new text; those that ' +
            "can't be found are listed as orphaned in the annotations sidebar."}
      </p>
      {item && sending && (
        <progress
          max={100}
          value={percent(item.loaded, item.size)}
          aria-label={`Uploading ${item.name}`}
          aria-valuenow={percent(item.loaded, item.size)}
        />
      )}
      {item?.phase === 'done' && (
        <p role="status">
          {item.name} uploaded as version {item.document?.version ?? document.version}.
        </p>
      )}
      {item?.error && (
        <p role="alert" className="form-error">
          {item.error.detail}
        </p>
      )}
    </div>
  );
}

function VersionRow({
  teamId,
  documentId,
  version,
}: {
  teamId: string;
  documentId: string;
  version: DocumentVersion;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setPending(true);
    setError(null);
    try {
      // The URL answers with "Content-Disposition: attachment": the browser saves the file and stays here.
      const { url } = await getVersionDownloadUrl(teamId, documentId, version.number);
      window.location.assign(url);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.detail : 'The download could not be prepared.');
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="versions-row">
      <div>
        <strong>Version {version.number}</strong>
        {version.is_current && <span className="badge">Current</span>}
        {version.error && <span className="badge badge-failed">Could not be read</span>}
        <div className="muted">
          {version.filename} · {formatBytes(version.size)}
          {version.pages_total != null && ` · ${plural(version.pages_total, 'page')}`}
          {' · '}
          <time dateTime={version.created_at}>{formatDateTime(version.created_at)}</time>
          {version.uploaded_by && ` · ${version.uploaded_by.name}`}
        </div>
        {version.error && (
          <p className="form-error">
            {version.error.message} The document stayed on the version before; this file is kept here.
          </p>
        )}
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
      </div>
      <Button
        variant="secondary"
        pending={pending}
        pendingText="Preparing…"
        aria-label={`Download version ${version.number}`}
        onClick={() => void download()}
      >
        Download
      </Button>
    </li>
  );
}

/** The reader header's "Version N" button and the dialog it opens. */
export function VersionsButton({ teamId, document }: { teamId: string; document: DocumentDetail }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" title="Versions of this document" onClick={() => setOpen(true)}>
        Version {document.version}
      </Button>
      {open && <VersionsDialog teamId={teamId} document={document} onClose={() => setOpen(false)} />}
    </>
  );
}
