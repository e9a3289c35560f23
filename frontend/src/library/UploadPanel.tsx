import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { useDocument } from '../api/documents';
import type { DocumentSummary } from '../api/types';
import { Button } from '../components/Button';
import { teamUrl } from '../teams/currentTeam';
import { useAnnounce } from './Announcer';
import { formatBytes, percent, plural } from './format';
import { ParseFailure } from './ParseFailure';
import { ParseProgress, ProgressBar } from './ProgressBar';
import { StateBadge } from './StateBadge';
import type { UploadItem, UploadQueue } from './uploadQueue';
import { useUploadQueue } from './useUploadQueue';
import './library.css';

/** The drop zone, the "Upload PDFs" button and a row per file being uploaded or parsed. */
export function UploadPanel({ teamId }: { teamId: string }) {
  const { queue, items } = useUploadQueue(teamId);
  const finished = items.filter((item) => item.phase === 'done' || item.phase === 'rejected');

  return (
    <section className="upload-panel" aria-labelledby="uploads-heading">
      <h2 id="uploads-heading" className="visually-hidden">
        Upload
      </h2>
      <DropZone onFiles={(files) => queue.add(files)} />
      {items.length > 0 && (
        <>
          <ul className="upload-list" aria-label="Uploads">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} queue={queue} teamId={teamId} />
            ))}
          </ul>
          {finished.length > 0 && (
            <div className="upload-list-actions">
              <Button variant="quiet" onClick={() => finished.forEach((item) => queue.dismiss(item.key))}>
                Clear finished
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function hasFiles(event: DragEvent) {
  return Array.from(event.dataTransfer.types).includes('Files');
}

function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const hintId = useId();

  // A PDF dropped beside the zone would replace the app with the browser's PDF viewer.
  useEffect(() => {
    const keep = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', keep);
    window.addEventListener('drop', keep);
    return () => {
      window.removeEventListener('dragover', keep);
      window.removeEventListener('drop', keep);
    };
  }, []);

  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="dropzone"
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        onFiles(Array.from(event.dataTransfer.files));
      }}
    >
      <svg className="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
      </svg>
      <p className="dropzone-title">Drop PDFs here</p>
      <p id={hintId} className="dropzone-hint">
        or choose several at once. Each file is sent straight to storage and read page by page.
      </p>
      <Button aria-describedby={hintId} onClick={() => input.current?.click()}>
        Upload PDFs
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        accept="application/pdf,.pdf"
        aria-label="Upload PDFs"
        hidden
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = ''; // choosing the same file again still fires a change
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}

function UploadRow({ item, queue, teamId }: { item: UploadItem; queue: UploadQueue; teamId: string }) {
  const nameId = useId();
  const announce = useAnnounce();
  const phase = useRef(item.phase);
  useEffect(() => {
    if (phase.current === item.phase) return;
    phase.current = item.phase;
    if (item.phase === 'failed' || item.phase === 'rejected') {
      announce(`Upload of ${item.name} failed: ${item.error?.detail ?? ''}`);
    }
  }, [item.phase, item.name, item.error, announce]);

  const cancellable = item.phase === 'waiting' || item.phase === 'starting' || item.phase === 'uploading';
  return (
    <li className="upload-row">
      <div className="upload-row-head">
        <span id={nameId} className="upload-name" title={item.name}>
          {item.name}
        </span>
        <span className="upload-size">{formatBytes(item.size)}</span>
      </div>
      {item.phase === 'done' && item.document ? (
        <ParseStatus
          teamId={teamId}
          summary={item.document}
          nameId={nameId}
          name={item.name}
          onDismiss={() => queue.dismiss(item.key)}
        />
      ) : (
        <UploadStatus item={item} />
      )}
      {item.phase !== 'done' && (
        <div className="upload-row-actions">
          {cancellable && (
            <Button variant="secondary" aria-describedby={nameId} onClick={() => queue.cancel(item.key)}>
              Cancel
            </Button>
          )}
          {item.phase === 'failed' && (
            <Button variant="secondary" aria-describedby={nameId} onClick={() => queue.retry(item.key)}>
              Retry
            </Button>
          )}
          {(item.phase === 'failed' || item.phase === 'rejected') && (
            <Button variant="quiet" aria-describedby={nameId} onClick={() => queue.dismiss(item.key)}>
              Dismiss
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

function UploadStatus({ item }: { item: UploadItem }) {
  switch (item.phase) {
    case 'waiting':
      return <p className="upload-status muted">Waiting for other files to finish…</p>;
    case 'starting':
    case 'uploading': {
      const value = percent(item.loaded, item.size);
      return (
        <div className="upload-status">
          <ProgressBar
            label={`Uploading ${item.name}`}
            value={value}
            valueText={`${value}%, ${formatBytes(item.loaded)} of ${formatBytes(item.size)}`}
          />
          <span className="progress-caption">
            Uploading… {formatBytes(item.loaded)} of {formatBytes(item.size)}
          </span>
        </div>
      );
    }
    case 'completing':
      return (
        <div className="upload-status">
          <ProgressBar label={`Uploading ${item.name}`} value={100} valueText="Checking the file" />
          <span className="progress-caption">Checking the file…</span>
        </div>
      );
    case 'failed':
    case 'rejected':
      return <p className="upload-error">{item.error?.detail}</p>;
    default:
      return null;
  }
}

/** After the upload: the parse's progress, from the document (kept current by the websocket). */
function ParseStatus({
  teamId,
  summary,
  nameId,
  name,
  onDismiss,
}: {
  teamId: string;
  summary: DocumentSummary;
  nameId: string;
  name: string;
  /** Drops the row (the document stays in the library, failed). */
  onDismiss: () => void;
}) {
  const detail = useDocument(teamId, summary.id).data;
  const document = detail ?? summary;
  const announce = useAnnounce();
  const state = useRef(document.state);
  useEffect(() => {
    if (state.current === document.state) return;
    state.current = document.state;
    if (document.state === 'ready') announce(`${document.title} is ready.`);
    if (document.state === 'failed') {
      announce(`${name} could not be read: ${document.error?.message ?? 'the parse failed.'}`);
    }
  }, [document.state, document.title, document.error, name, announce]);

  if (document.state === 'queued' || document.state === 'parsing') {
    return (
      <ParseProgress
        className="upload-status"
        document={document}
        name={name}
        queuedCaption="Uploaded, waiting to be read…"
      />
    );
  }
  if (document.state === 'failed') {
    // The uploader may upload, so may retry.
    return (
      <ParseFailure
        teamId={teamId}
        document={document}
        canRetry
        describedBy={nameId}
        className="upload-status"
        actionsClassName="upload-row-actions"
      >
        <Button variant="quiet" aria-describedby={nameId} onClick={onDismiss}>
          Dismiss
        </Button>
      </ParseFailure>
    );
  }
  const withoutText = detail?.pages_without_text.length ?? 0;
  return (
    <div className="upload-status upload-ready">
      <StateBadge state="ready" />
      <span>
        {document.title}
        {document.pages_total ? ` · ${plural(document.pages_total, 'page')}` : ''}
        {withoutText > 0 ? ` · ${plural(withoutText, 'page')} without text` : ''}
        {document.duplicate_of ? ' · already in the library' : ''}
      </span>
      <Link to={teamUrl(teamId, `documents/${document.id}`)} aria-describedby={nameId}>
        Open
      </Link>
    </div>
  );
}
