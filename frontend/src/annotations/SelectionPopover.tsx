import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { documentKeys, getPageTexts } from '../api/documents';
import type { AnnotationAnchors, AnnotationCreateRequest } from '../api/types';
import { locateQuote, locateSpan, readSelection, toPdfRects, type Rect } from './anchoring';
import { useAnnotationsState, type Draft } from './context';
import { MentionTextarea } from './MentionTextarea';
import { PALETTE, colourOf } from './PageAnnotations';

/**
 * The toolbar under a text selection on a page (highlight in a colour, comment), and the small form
 * that writes a comment or a note placed with the Note tool.
 */
export function SelectionPopover() {
  const state = useAnnotationsState();
  const { draft, setDraft, team, documentId, canHighlight, actions } = state;
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const popoverRef = useRef<HTMLDivElement>(null);

  const current = useRef({ draft, state });
  current.current = { draft, state };

  // A selection made in a page's text (mouse or keyboard) opens the toolbar; clearing it closes it.
  useEffect(() => {
    function check(event: Event) {
      if (popoverRef.current?.contains(event.target as Node)) return;
      requestAnimationFrame(() => {
        const { draft: open, state: now } = current.current;
        if (now.noteMode || (open?.kind === 'selection' && open.composing) || open?.kind === 'note') return;
        const selection = readSelection(window.getSelection());
        const coordinates = selection && now.coordinates.get(selection.pageIndex);
        if (!selection || !coordinates || selection.rects.length === 0) {
          if (open) setDraft(null);
          return;
        }
        // Over a page break: each following page's lines in its own PDF points (it is drawn, so measured).
        const continued: { pageIndex: number; rects: Rect[] }[] = [];
        const parts = selection.continued ?? [];
        for (const part of parts) {
          const partCoordinates = now.coordinates.get(part.pageIndex);
          if (!partCoordinates) break;
          continued.push({ pageIndex: part.pageIndex, rects: toPdfRects(part.rects, partCoordinates) });
        }
        const lastPart = continued.length > 0 ? parts[continued.length - 1] : null;
        const page = (lastPart?.pageElement ?? selection.pageElement).getBoundingClientRect();
        const lastRects = lastPart?.rects ?? selection.rects;
        const last = lastRects[lastRects.length - 1];
        setError(null);
        setDraft({
          kind: 'selection',
          selection: { ...selection, continued: parts.slice(0, continued.length) },
          rects: toPdfRects(selection.rects, coordinates),
          continued,
          left: page.left + last[0],
          top: page.top + last[3] + 6,
          composing: false,
        });
      });
    }
    window.document.addEventListener('pointerup', check);
    window.document.addEventListener('keyup', check);
    return () => {
      window.document.removeEventListener('pointerup', check);
      window.document.removeEventListener('keyup', check);
    };
  }, [setDraft]);

  // Scrolling the pages moves the selection away from a toolbar that is only offering buttons.
  useEffect(() => {
    if (draft?.kind !== 'selection' || draft.composing) return;
    const close = (event: Event) => {
      if ((event.target as Element | null)?.classList?.contains('reader-viewport')) setDraft(null);
    };
    window.addEventListener('scroll', close, true);
    return () => window.removeEventListener('scroll', close, true);
  }, [draft, setDraft]);

  useEffect(() => {
    if (!draft) return;
    const onKeyDown = (event: KeyboardEvent) => event.key === 'Escape' && close();
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  });

  if (!draft) return null;

  function close() {
    setDraft(null);
    setBody('');
    setPrivate(false);
    setError(null);
  }

  async function textAnchors(open: Extract<Draft, { kind: 'selection' }>): Promise<AnnotationAnchors | null> {
    const { selection } = open;
    const index = selection.pageIndex;
    const tail = selection.continued?.at(-1);
    const stop = (tail?.pageIndex ?? index) + 1;
    const texts = await queryClient.fetchQuery({
      queryKey: documentKeys.pages(team.id, documentId, index, stop),
      queryFn: ({ signal }) => getPageTexts(team.id, documentId, index, stop, signal),
      staleTime: Infinity,
    });
    const stored = (page: number) => texts.results.find((item) => item.index === page)?.text ?? '';
    if (!tail) {
      const found = locateQuote(stored(index), selection.text, selection.before, selection.after);
      return found && { quote: found.quote, position: found.position, rects: open.rects };
    }
    // Over a page break: the start on the first page, the end on the last, the lines of each page.
    const found = locateSpan(stored(index), selection, stored(tail.pageIndex), tail);
    return (
      found && {
        quote: found.quote,
        position: found.position,
        rects: open.rects,
        page_end: tail.pageIndex,
        continued: (open.continued ?? []).map((part) => ({ page_index: part.pageIndex, rects: part.rects })),
      }
    );
  }

  async function save(request: () => Promise<AnnotationCreateRequest | string>) {
    setBusy(true);
    setError(null);
    try {
      const made = await request();
      if (typeof made === 'string') {
        setError(made);
        return;
      }
      const created = await actions.create.mutateAsync(made);
      window.getSelection()?.removeAllRanges();
      close();
      state.setNoteMode(false);
      state.focus(created.id, false);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.detail : 'The annotation could not be saved.');
    } finally {
      setBusy(false);
    }
  }

  const NOT_IN_TEXT =
    "This text isn't in the page's stored text (a scanned or unusual page), so it can't be anchored.";
  const visibility = isPrivate ? 'private' : 'team';

  const highlight = (color: string) =>
    draft.kind === 'selection' &&
    save(async () => {
      const anchors = await textAnchors(draft);
      if (!anchors) return NOT_IN_TEXT;
      return {
        kind: 'highlight',
        page_index: draft.selection.pageIndex,
        anchors,
        color,
        body: '',
        visibility,
      };
    });

  const comment = () =>
    save(async () => {
      if (!body.trim()) return 'Write a comment first.';
      if (draft.kind === 'note') {
        return {
          kind: 'note',
          page_index: draft.pageIndex,
          anchors: { point: draft.point },
          color: 'yellow',
          body,
          visibility,
        };
      }
      const anchors = await textAnchors(draft);
      if (canHighlight) {
        if (!anchors) return NOT_IN_TEXT;
        return {
          kind: 'highlight',
          page_index: draft.selection.pageIndex,
          anchors,
          color: 'yellow',
          body,
          visibility,
        };
      }
      // Viewers may not highlight: their comment is a note pinned where the selection starts.
      const [x1, , , y2] = draft.rects[0];
      return {
        kind: 'note',
        page_index: draft.selection.pageIndex,
        anchors: { ...anchors, rects: draft.rects, point: [x1, y2] },
        color: 'yellow',
        body,
        visibility,
      };
    });

  const composing = draft.kind === 'note' || draft.composing;
  const left = Math.max(8, Math.min(draft.left, window.innerWidth - 320));
  const top = Math.min(draft.top, window.innerHeight - (composing ? 220 : 60));

  return (
    <div
      ref={popoverRef}
      className="annotation-popover"
      role="dialog"
      aria-label={draft.kind === 'note' ? 'New note' : 'Annotate the selection'}
      style={{ left, top }}
      // Clicking the toolbar must not clear the selection it acts on.
      onMouseDown={(event) => {
        if (!(event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement))
          event.preventDefault();
      }}
    >
      {!composing && (
        <div className="annotation-popover-tools">
          {canHighlight &&
            PALETTE.map((color) => (
              <button
                key={color}
                type="button"
                className="annotation-swatch"
                style={{ background: colourOf(color) }}
                aria-label={`Highlight ${color}`}
                title={`Highlight (${color})`}
                disabled={busy}
                onClick={() => void highlight(color)}
              />
            ))}
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            onClick={() => draft.kind === 'selection' && setDraft({ ...draft, composing: true })}
          >
            Comment
          </button>
        </div>
      )}
      {composing && (
        <form
          className="annotation-composer"
          onSubmit={(event) => {
            event.preventDefault();
            void comment();
          }}
        >
          <MentionTextarea
            teamId={team.id}
            value={body}
            onChange={setBody}
            onSubmit={() => void comment()}
            label={draft.kind === 'note' ? 'Note' : 'Comment'}
            placeholder="Write a comment… (@ to mention)"
            autoFocus
            rows={3}
          />
          <label className="annotation-check">
            <input
              type="checkbox"
              checked={isPrivate}
              onChange={(event) => setPrivate(event.target.checked)}
            />
            Private (only you see it)
          </label>
          <div className="annotation-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save
            </button>
            <button type="button" className="button button-quiet" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" className="annotation-error">
          {error}
        </p>
      )}
    </div>
  );
}
