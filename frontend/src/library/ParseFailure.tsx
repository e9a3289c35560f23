import type { ReactNode } from 'react';
import { useRetryDocument } from '../api/documents';
import type { DocumentSummary } from '../api/types';
import { Button } from '../components/Button';
import { StateBadge } from './StateBadge';

/**
 * Why a document's parse failed, in the server's words, with Retry where another try may get past it
 * (`error.retryable`) and the member may retry; `children` are further actions (Dismiss).
 *
 * In one block by default; with `actionsClassName`, the actions go in a block of their own (the upload
 * panel's actions column), and the message gets the Failed badge, as a ready upload gets its Ready one.
 */
export function ParseFailure({
  teamId,
  document,
  canRetry,
  describedBy,
  className,
  actionsClassName,
  children,
}: {
  teamId: string;
  document: DocumentSummary;
  canRetry: boolean;
  /** The id of the element naming the document, for the buttons' descriptions. */
  describedBy: string;
  className: string;
  actionsClassName?: string;
  children?: ReactNode;
}) {
  const retry = useRetryDocument(teamId);
  const actions = (
    <>
      {canRetry && document.error?.retryable && (
        <Button
          variant="secondary"
          className={actionsClassName ? undefined : 'button-small'}
          aria-describedby={describedBy}
          pending={retry.isPending}
          pendingText="Retrying…"
          onClick={() => retry.mutate(document.id)}
        >
          Retry
        </Button>
      )}
      {children}
    </>
  );
  const message = <p className="upload-error">{document.error?.message ?? 'This file could not be read.'}</p>;
  const retryError = retry.error && <p className="upload-error">{retry.error.detail}</p>;
  if (!actionsClassName) {
    return (
      <div className={className}>
        {message}
        {actions}
        {retryError}
      </div>
    );
  }
  return (
    <>
      <div className={className}>
        <StateBadge state="failed" />
        {message}
        {retryError}
      </div>
      <div className={actionsClassName}>{actions}</div>
    </>
  );
}
