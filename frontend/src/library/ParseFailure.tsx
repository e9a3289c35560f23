import type { ReactNode } from 'react';
import { useRetryDocument } from '../api/documents';
import type { DocumentSummary } from '../api/types';
import { Button } from '../components/Button';

/**
 * Why a document's parse failed, in the server's words, with Retry where another try may get past it
 * (`error.retryable`) and the member may retry; `children` are further actions (Dismiss).
 */
export function ParseFailure({
  teamId,
  document,
  canRetry,
  describedBy,
  className,
  children,
}: {
  teamId: string;
  document: DocumentSummary;
  canRetry: boolean;
  /** The id of the element naming the document, for the buttons' descriptions. */
  describedBy: string;
  className: string;
  children?: ReactNode;
}) {
  const retry = useRetryDocument(teamId);
  return (
    <div className={className}>
      <p className="upload-error">{document.error?.message ?? 'This file could not be read.'}</p>
      {canRetry && document.error?.retryable && (
        <Button
          variant="secondary"
          className="button-small"
          aria-describedby={describedBy}
          pending={retry.isPending}
          pendingText="Retrying…"
          onClick={() => retry.mutate(document.id)}
        >
          Retry
        </Button>
      )}
      {children}
      {retry.error && <p className="upload-error">{retry.error.detail}</p>}
    </div>
  );
}
