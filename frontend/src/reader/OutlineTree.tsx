import { useId, useState } from 'react';
import type { OutlineItem } from '../api/types';

interface OutlineTreeProps {
  items: OutlineItem[];
  /** Called with the 1-based page of the entry the reader chose. */
  onNavigate: (pageNumber: number) => void;
  /** The 1-based page on screen; the entry it belongs to is marked as the current one. */
  currentPage?: number;
}

/**
 * The document's bookmarks as nested lists: each entry is a button that scrolls to its page, and
 * an entry with children has a disclosure button that shows or hides them (top level open).
 */
export function OutlineTree({ items, onNavigate, currentPage }: OutlineTreeProps) {
  const current = currentPage === undefined ? null : currentEntry(items, currentPage - 1);
  return (
    <ul className="outline-list">
      {items.map((item, index) => (
        <OutlineEntry key={index} item={item} onNavigate={onNavigate} current={current} />
      ))}
    </ul>
  );
}

function OutlineEntry({
  item,
  onNavigate,
  current,
}: {
  item: OutlineItem;
  onNavigate: (pageNumber: number) => void;
  current: OutlineItem | null;
}) {
  const [open, setOpen] = useState(false);
  const childrenId = useId();
  const hasChildren = item.children.length > 0;
  const target = item.page_index;
  // A collapsed entry stands for its children: it is marked when the current one is inside it.
  const isCurrent = current !== null && (item === current || (!open && contains(item.children, current)));

  return (
    <li className="outline-entry">
      <div className="outline-row">
        {hasChildren ? (
          <button
            type="button"
            className="outline-toggle"
            aria-expanded={open}
            aria-controls={childrenId}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${item.title}`}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        ) : (
          <span className="outline-toggle-spacer" />
        )}
        {target === null ? (
          <span className="outline-title outline-title-dead" title="This bookmark points nowhere">
            {item.title}
          </span>
        ) : (
          <button
            type="button"
            className="outline-title"
            aria-current={isCurrent ? 'location' : undefined}
            onClick={() => onNavigate(target + 1)}
          >
            <span className="outline-title-text">{item.title}</span>
            <span className="outline-page">
              <span className="visually-hidden">, page </span>
              {target + 1}
            </span>
          </button>
        )}
      </div>
      {hasChildren && open && (
        <ul id={childrenId} className="outline-list">
          {item.children.map((child, index) => (
            <OutlineEntry key={index} item={child} onNavigate={onNavigate} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The last entry, in reading order, that starts on or before `pageIndex` (0-based). */
export function currentEntry(items: readonly OutlineItem[], pageIndex: number): OutlineItem | null {
  let found: OutlineItem | null = null;
  const visit = (entries: readonly OutlineItem[]) => {
    for (const entry of entries) {
      if (entry.page_index !== null && entry.page_index <= pageIndex) {
        if (found === null || found.page_index === null || entry.page_index >= found.page_index)
          found = entry;
      }
      visit(entry.children);
    }
  };
  visit(items);
  return found;
}

function contains(items: readonly OutlineItem[], wanted: OutlineItem): boolean {
  return items.some((item) => item === wanted || contains(item.children, wanted));
}
