import type { DocumentState } from '../api/types';

const LABELS: Record<DocumentState, string> = {
  queued: 'Queued',
  parsing: 'Parsing',
  ready: 'Ready',
  failed: 'Failed',
};

export const stateLabel = (state: DocumentState) => LABELS[state];

export function StateBadge({ state }: { state: DocumentState }) {
  return <span className={`badge badge-${state}`}>{LABELS[state]}</span>;
}
