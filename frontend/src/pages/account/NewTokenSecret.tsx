import { useRef, useState } from 'react';
import type { NewApiToken } from '../../api/types';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';

type CopyState = 'idle' | 'copied' | 'failed';

const COPY_MESSAGES: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied to clipboard.',
  failed: 'Copying is blocked here. The token is selected: press Ctrl+C (⌘C on a Mac) to copy it.',
};

/** The full secret of a token that was just created — the only time the server sends it. */
export function NewTokenSecret({ token, onDone }: { token: NewApiToken; onDone: () => void }) {
  const secretRef = useRef<HTMLElement>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopyState('copied');
    } catch {
      // No clipboard access (e.g. a page not served over HTTPS): select the
      // secret so the user can copy it by hand.
      if (secretRef.current) window.getSelection()?.selectAllChildren(secretRef.current);
      setCopyState('failed');
    }
  }

  return (
    <Notice>
      <div className="secret-box">
        <p className="secret-title">
          New token <strong>{token.name}</strong>
        </p>
        <p>Copy this token now. You won't be able to see it again.</p>
        <div className="secret-row">
          <code ref={secretRef} className="secret">
            {token.token}
          </code>
          <Button variant="secondary" onClick={() => void copy()}>
            Copy
          </Button>
        </div>
        <div className="secret-footer">
          <p className="secret-copy-status" aria-live="polite">
            {COPY_MESSAGES[copyState]}
          </p>
          <Button variant="secondary" onClick={onDone}>
            Done
          </Button>
        </div>
      </div>
    </Notice>
  );
}
