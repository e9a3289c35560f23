import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useMembers } from '../api/teams';
import type { UserRef } from '../api/types';

interface MentionTextareaProps {
  teamId: string;
  value: string;
  onChange: (value: string) => void;
  /** Ctrl/⌘+Enter. */
  onSubmit?: () => void;
  label: string;
  placeholder?: string;
  autoFocus?: boolean;
  rows?: number;
}

/** How a member is written after "@": their name (the server matches it, or the e-mail's local part). */
export const mentionHandle = (user: UserRef) => user.name.trim() || user.email.split('@')[0];

// "@" + what has been typed of a name, right before the caret; not inside an e-mail address.
const TYPING_MENTION = /(?:^|[^\w.@])@([^\s@]{0,30}(?: [^\s@]{0,30})?)$/;

/** A textarea that offers the team's members after "@" (↑/↓ to choose, Enter or Tab to insert). */
export function MentionTextarea(props: MentionTextareaProps) {
  const { teamId, value, onChange, onSubmit } = props;
  const members = useMembers(teamId).data?.results;
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  // Where the caret goes once an inserted name is in the value (before any further typing).
  const nextCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (nextCaret.current === null || !element) return;
    element.focus();
    element.setSelectionRange(nextCaret.current, nextCaret.current);
    nextCaret.current = null;
  }, [value]);

  const options = useMemo(() => {
    if (query === null || !members) return [];
    const wanted = query.toLowerCase();
    return members
      .map((member) => member.user)
      .filter(
        (user) => user.name.toLowerCase().startsWith(wanted) || user.email.toLowerCase().startsWith(wanted),
      )
      .slice(0, 6);
  }, [members, query]);
  const open = options.length > 0;

  function track(text: string, caret: number) {
    const match = TYPING_MENTION.exec(text.slice(0, caret));
    setQuery(match ? match[1] : null);
    setActive(0);
  }

  function insert(user: UserRef) {
    const element = ref.current!;
    const caret = element.selectionStart;
    const before = value.slice(0, caret).replace(/@[^@]*$/, `@${mentionHandle(user)} `);
    const next = before + value.slice(caret);
    nextCaret.current = before.length;
    onChange(next);
    setQuery(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((active + step + options.length) % options.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insert(options[active]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setQuery(null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && onSubmit) {
      event.preventDefault();
      onSubmit();
    }
  }

  return (
    <div className="mention-input">
      <textarea
        ref={ref}
        aria-label={props.label}
        placeholder={props.placeholder}
        value={value}
        rows={props.rows ?? 2}
        autoFocus={props.autoFocus}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onChange(event.target.value);
          track(event.target.value, event.target.selectionStart);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setQuery(null)}
      />
      {open && (
        <ul id={listId} role="listbox" className="mention-list" aria-label="Members">
          {options.map((user, index) => (
            <li
              key={user.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              // Before the textarea's blur closes the list.
              onMouseDown={(event) => {
                event.preventDefault();
                insert(user);
              }}
            >
              <strong>{user.name || user.email}</strong> <span>{user.email}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
