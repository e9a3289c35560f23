import { useId, useState } from 'react';

interface PageNumberInputProps {
  /** 1-based. */
  page: number;
  pageCount: number;
  onNavigate: (pageNumber: number) => void;
}

/** "Page [N] of M": type a number and press Enter (or leave the field) to go there. */
export function PageNumberInput({ page, pageCount, onNavigate }: PageNumberInputProps) {
  const id = useId();
  // What the reader is typing; null shows the current page, which follows scrolling.
  const [draft, setDraft] = useState<string | null>(null);

  function commit() {
    if (draft === null) return;
    const wanted = parsePageNumber(draft, pageCount);
    setDraft(null);
    if (wanted !== null && wanted !== page) onNavigate(wanted);
  }

  return (
    <span className="page-number">
      <label htmlFor={id}>Page</label>
      <input
        id={id}
        className="page-number-input"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        size={Math.max(String(pageCount).length, 2)}
        aria-describedby={`${id}-of`}
        value={draft ?? String(page)}
        onChange={(event) => setDraft(event.target.value)}
        onFocus={(event) => event.target.select()}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
          if (event.key === 'Escape') setDraft(null);
        }}
      />
      <span id={`${id}-of`}>of {pageCount}</span>
    </span>
  );
}

/** The page typed, kept within 1..pageCount; null when it is not a number. */
export function parsePageNumber(text: string, pageCount: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  return Math.min(Math.max(Number.parseInt(text, 10), 1), pageCount);
}
