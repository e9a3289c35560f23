import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type MouseEvent } from 'react';
import { putAnnotation } from '../api/annotations';
import { ApiError, api } from '../api/client';
import { teamPath } from '../api/teams';
import type { Annotation, Reply } from '../api/types';
import { formatDateTime } from '../lib/formatDateTime';
import { threadId } from './AnnotationsProvider';
import { AssignedTo, AssigneePicker } from './AssigneePicker';
import { useAnnotationsState } from './context';
import { Markdown } from './Markdown';
import { isPlaced, OrphanedAnnotations, useCurrentVersion } from './OrphanedAnnotations';
import { MentionTextarea } from './MentionTextarea';
import { colourOf } from './PageAnnotations';

/** The document's threads in reading order, with filters and the Note tool. */
export function AnnotationSidebar() {
  const { annotations, user, team, documentId, noteMode, setNoteMode, loadError, reload } =
    useAnnotationsState();
  const [mine, setMine] = useState(false);
  const [unresolved, setUnresolved] = useState(false);
  const [assignedToMe, setAssignedToMe] = useState(false);
  const [author, setAuthor] = useState('');

  const authors = useMemo(() => {
    const byId = new Map<string, string>();
    for (const item of annotations)
      if (item.author) byId.set(item.author.id, item.author.name || item.author.email);
    return [...byId].sort((a, b) => a[1].localeCompare(b[1]));
  }, [annotations]);

  const filtered = annotations.filter(
    (item) =>
      (!mine || item.author?.id === user.id) &&
      (!unresolved || !item.resolved_at) &&
      (!assignedToMe || item.assignee?.id === user.id) &&
      (!author || item.author?.id === author),
  );
  // Those not placed on the current version of the file have groups of their own, below.
  const currentVersion = useCurrentVersion(team.id, documentId);
  const shown = filtered.filter((item) => isPlaced(item, currentVersion));

  return (
    <div className="annotation-sidebar">
      <div className="annotation-sidebar-head">
        <h2>Annotations</h2>
        <button
          type="button"
          className="button button-quiet"
          aria-pressed={noteMode}
          title="Click on a page to pin a note there"
          onClick={() => setNoteMode(!noteMode)}
        >
          {noteMode ? 'Placing a note…' : 'Note'}
        </button>
      </div>
      <fieldset className="annotation-filters">
        <legend className="visually-hidden">Filters</legend>
        <label className="annotation-check">
          <input type="checkbox" checked={mine} onChange={(event) => setMine(event.target.checked)} /> Mine
        </label>
        <label className="annotation-check">
          <input
            type="checkbox"
            checked={unresolved}
            onChange={(event) => setUnresolved(event.target.checked)}
          />{' '}
          Unresolved
        </label>
        <label className="annotation-check">
          <input
            type="checkbox"
            checked={assignedToMe}
            onChange={(event) => setAssignedToMe(event.target.checked)}
          />{' '}
          Assigned to me
        </label>
        <select
          className="select annotation-author"
          aria-label="By member"
          value={author}
          onChange={(event) => setAuthor(event.target.value)}
        >
          <option value="">By everyone</option>
          {authors.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </fieldset>
      {loadError ? (
        <div role="alert" className="annotation-error">
          <p>The annotations couldn't be loaded. {loadError}</p>
          <button type="button" className="button button-secondary" onClick={reload}>
            Try again
          </button>
        </div>
      ) : annotations.length === 0 ? (
        <p className="annotation-empty">No annotations yet. Select text on a page to highlight or comment.</p>
      ) : filtered.length === 0 ? (
        <p className="annotation-empty">No annotation matches these filters.</p>
      ) : (
        <ol className="annotation-threads" aria-label="Threads">
          {shown.map((annotation) => (
            <Thread key={annotation.id} annotation={annotation} />
          ))}
        </ol>
      )}
      {!loadError && <OrphanedAnnotations annotations={filtered} />}
      <p className="annotation-hint">
        <kbd>j</kbd> / <kbd>k</kbd>: next / previous annotation
      </p>
    </div>
  );
}

const QUOTE_LENGTH = 240;
/** What in a card acts by itself, rather than opening the card. */
const CARD_CONTROLS = 'a, button, input, select, textarea, label, summary, form';

/** One thread; `note` says why it is set apart (an orphaned annotation). */
export function Thread({ annotation, note }: { annotation: Annotation; note?: string }) {
  const { user, team, documentId, selectedId, focus, actions } = useAnnotationsState();
  const queryClient = useQueryClient();
  const selected = selectedId === annotation.id;
  const own = annotation.author?.id === user.id;
  const admin = team.role === 'admin' || team.role === 'owner';
  const [editing, setEditing] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Annotation | null>(null);
  const [reply, setReply] = useState('');
  const [error, setError] = useState<string | null>(null);
  const quote = annotation.anchors.quote?.exact;

  const fail = (caught: unknown) =>
    setError(caught instanceof ApiError ? caught.detail : 'That did not work.');

  async function saveEdit(changes: { body?: string; visibility?: 'team' | 'private' }) {
    setError(null);
    try {
      await actions.update.mutateAsync({ id: annotation.id, version: annotation.version, ...changes });
      setEditing(null);
      setConflict(null);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        // Someone changed it meanwhile: show theirs, keep ours to retry on top of it.
        const path = teamPath(
          team.id,
          `/documents/${encodeURIComponent(documentId)}/annotations/${encodeURIComponent(annotation.id)}`,
        );
        const current = await api.get<Annotation>(path).catch(() => null);
        if (current) {
          putAnnotation(queryClient, team.id, current);
          setConflict(current);
        }
        setError('This annotation was changed by someone else. Check their version, then save again.');
      } else fail(caught);
    }
  }

  async function sendReply() {
    if (!reply.trim()) return;
    setError(null);
    try {
      await actions.reply.mutateAsync({ id: annotation.id, body: reply });
      setReply('');
    } catch (caught) {
      fail(caught);
    }
  }

  const classes = ['annotation-thread', selected && 'is-selected', annotation.resolved_at && 'is-resolved']
    .filter(Boolean)
    .join(' ');

  // A click anywhere on a closed card opens it (its head stays the way in for the keyboard), except
  // on one of its controls or links, and except the click that ends selecting its text to copy it.
  function openFromCard(event: MouseEvent<HTMLLIElement>) {
    if (selected || (event.target as Element).closest(CARD_CONTROLS)) return;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && event.currentTarget.contains(selection.anchorNode)) return;
    focus(annotation.id);
  }

  return (
    <li
      id={threadId(annotation.id)}
      className={classes}
      data-thread-id={annotation.id}
      onClick={openFromCard}
    >
      <button
        type="button"
        className="annotation-thread-head"
        aria-expanded={selected}
        onClick={() => focus(annotation.id)}
      >
        <span
          className="annotation-dot"
          style={{ background: colourOf(annotation.color) }}
          aria-hidden="true"
        />
        <span className="annotation-meta">
          <strong>{own ? 'You' : (annotation.author?.name ?? 'Former member')}</strong>
          {' · '}p. {annotation.page_index + 1}
          {' · '}
          <time dateTime={annotation.created_at}>{formatDateTime(annotation.created_at)}</time>
        </span>
        {annotation.visibility === 'private' && <span className="annotation-badge">Private</span>}
        {annotation.resolved_at && <span className="annotation-badge">Resolved</span>}
      </button>
      <AssignedTo annotation={annotation} />
      {note && <p className="annotation-orphan-note">{note}</p>}
      {quote && (
        <blockquote className="annotation-quote">
          {quote.length > QUOTE_LENGTH ? `${quote.slice(0, QUOTE_LENGTH)}…` : quote}
        </blockquote>
      )}
      {editing !== null ? (
        <form
          className="annotation-composer"
          onSubmit={(event) => {
            event.preventDefault();
            void saveEdit({ body: editing });
          }}
        >
          {conflict && (
            <div className="annotation-conflict">
              <p>Changed by someone else; it now reads:</p>
              <Markdown text={conflict.body || '(no comment)'} />
            </div>
          )}
          <MentionTextarea
            teamId={team.id}
            value={editing}
            onChange={setEditing}
            onSubmit={() => void saveEdit({ body: editing })}
            label="Edit the comment"
            autoFocus
            rows={3}
          />
          <div className="annotation-actions">
            <button type="submit" className="button button-primary">
              {conflict ? 'Save mine anyway' : 'Save'}
            </button>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setEditing(null);
                setConflict(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        annotation.body && (
          <div className="annotation-body">
            <Markdown text={annotation.body} />
          </div>
        )
      )}
      {annotation.replies.length > 0 && (
        <ol className="annotation-replies" aria-label="Replies">
          {annotation.replies.map((item) => (
            <ReplyItem key={item.id} reply={item} canDelete={item.author?.id === user.id || admin} />
          ))}
        </ol>
      )}
      {selected && (
        <>
          <AssigneePicker annotation={annotation} />
          <div className="annotation-actions">
            <button
              type="button"
              className="button button-quiet"
              onClick={() =>
                actions.resolve.mutate(
                  { id: annotation.id, resolved: !annotation.resolved_at },
                  { onError: fail },
                )
              }
            >
              {annotation.resolved_at ? 'Reopen' : 'Resolve'}
            </button>
            {own && editing === null && (
              <button
                type="button"
                className="button button-quiet"
                onClick={() => setEditing(annotation.body)}
              >
                Edit
              </button>
            )}
            {own && (
              <button
                type="button"
                className="button button-quiet"
                onClick={() =>
                  void saveEdit({ visibility: annotation.visibility === 'private' ? 'team' : 'private' })
                }
              >
                {annotation.visibility === 'private' ? 'Share with the team' : 'Make private'}
              </button>
            )}
            {(own || admin) && (
              <button
                type="button"
                className="button button-quiet annotation-danger"
                onClick={() => {
                  if (window.confirm('Delete this annotation and its replies?'))
                    actions.remove.mutate(annotation.id, { onError: fail });
                }}
              >
                Delete
              </button>
            )}
          </div>
          <form
            className="annotation-composer"
            onSubmit={(event) => {
              event.preventDefault();
              void sendReply();
            }}
          >
            <MentionTextarea
              teamId={team.id}
              value={reply}
              onChange={setReply}
              onSubmit={() => void sendReply()}
              label="Reply"
              placeholder="Reply… (@ to mention)"
            />
            <button type="submit" className="button button-secondary" disabled={!reply.trim()}>
              Reply
            </button>
          </form>
        </>
      )}
      {error && (
        <p role="alert" className="annotation-error">
          {error}
        </p>
      )}
    </li>
  );
}

function ReplyItem({ reply, canDelete }: { reply: Reply; canDelete: boolean }) {
  const { actions, user } = useAnnotationsState();
  return (
    <li className="annotation-reply">
      <div className="annotation-meta">
        <strong>{reply.author?.id === user.id ? 'You' : (reply.author?.name ?? 'Former member')}</strong>
        {' · '}
        <time dateTime={reply.created_at}>{formatDateTime(reply.created_at)}</time>
        {canDelete && (
          <button
            type="button"
            className="annotation-link"
            onClick={() => actions.removeReply.mutate({ id: reply.annotation_id, replyId: reply.id })}
          >
            Delete
          </button>
        )}
      </div>
      <Markdown text={reply.body} />
    </li>
  );
}
