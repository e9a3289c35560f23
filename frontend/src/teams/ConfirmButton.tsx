import { useState, type ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { Button } from '../components/Button';
import { FormError } from '../components/FormError';

interface ConfirmButtonProps {
  /** The button's text, e.g. "Remove". */
  label: string;
  /** Its accessible name when the text alone is ambiguous, e.g. "Remove Ada Lovelace". */
  ariaLabel?: string;
  /** The question asked before doing it. */
  question: ReactNode;
  confirmLabel: string;
  pendingText: string;
  pending: boolean;
  error: ApiError | null;
  onConfirm: () => void;
  /** Called when the question opens, e.g. to clear the error of an earlier attempt. */
  onAsk?: () => void;
}

/** A button that asks "are you sure?" in place, and shows the server's refusal there. */
export function ConfirmButton({
  label,
  ariaLabel,
  question,
  confirmLabel,
  pendingText,
  pending,
  error,
  onConfirm,
  onAsk,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  // After "Cancel", focus returns to the button that opened the question.
  const [cancelled, setCancelled] = useState(false);

  if (!asking) {
    return (
      <Button
        variant="secondary"
        aria-label={ariaLabel}
        autoFocus={cancelled}
        onClick={() => {
          onAsk?.();
          setAsking(true);
        }}
      >
        {label}
      </Button>
    );
  }
  return (
    <div role="group" aria-label={`${ariaLabel ?? label}?`} className="confirm">
      <span>{question}</span>
      <Button variant="danger" pending={pending} pendingText={pendingText} onClick={onConfirm}>
        {confirmLabel}
      </Button>
      <Button
        variant="secondary"
        autoFocus
        onClick={() => {
          setAsking(false);
          setCancelled(true);
        }}
      >
        Cancel
      </Button>
      <FormError error={error} />
    </div>
  );
}
