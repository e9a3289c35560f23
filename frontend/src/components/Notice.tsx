import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A success message that replaces (or joins) a form after it went through.
 * It takes focus when it appears, so keyboard and screen-reader users are
 * not left on a button that no longer exists.
 */
export function Notice({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);

  return (
    <div ref={ref} role="status" tabIndex={-1} className="notice">
      {children}
    </div>
  );
}
