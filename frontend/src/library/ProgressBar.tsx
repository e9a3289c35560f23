import type { DocumentSummary } from '../api/types';
import { percent, plural } from './format';

interface ProgressBarProps {
  /** What is progressing, e.g. "Uploading paper.pdf". */
  label: string;
  /** 0–100; undefined while the total is unknown (an indeterminate bar). */
  value: number | undefined;
  /** Read out instead of the bare percentage, e.g. "3 of 12 pages". */
  valueText?: string;
  tone?: 'upload' | 'parse';
}

/** A labelled progress bar screen readers can follow (role="progressbar" with aria-valuenow). */
export function ProgressBar({ label, value, valueText, tone = 'upload' }: ProgressBarProps) {
  return (
    <div
      className={`progress progress-${tone}${value === undefined ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={valueText}
    >
      <div className="progress-fill" style={value === undefined ? undefined : { width: `${value}%` }} />
    </div>
  );
}

interface ParseProgressProps {
  /** The document being read (its state is queued or parsing). */
  document: Pick<DocumentSummary, 'state' | 'pages_done' | 'pages_total'>;
  /** The name shown to the user, e.g. the file name or the document title. */
  name: string;
  /** The caption while it waits for a worker. */
  queuedCaption?: string;
  className?: string;
}

/** The parse progress of one document, in pages once the worker knows the total. */
export function ParseProgress({
  document,
  name,
  queuedCaption = 'Waiting to be read…',
  className,
}: ParseProgressProps) {
  const total = document.pages_total;
  const queued = document.state === 'queued';
  return (
    <div className={className}>
      <ProgressBar
        tone="parse"
        label={`Reading ${name}`}
        value={document.state === 'parsing' && total ? percent(document.pages_done, total) : undefined}
        valueText={
          total
            ? `${document.pages_done} of ${plural(total, 'page')}`
            : queued
              ? 'Waiting to be read'
              : 'Reading'
        }
      />
      <span className="progress-caption">
        {total ? `Reading… page ${document.pages_done} of ${total}` : queued ? queuedCaption : 'Reading…'}
      </span>
    </div>
  );
}
