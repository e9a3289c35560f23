import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent,
  type ReactNode,
} from 'react';
import { ApiError } from '../api/client';
import { toPdfRects, type PageCoordinates, type Rect } from './anchoring';
import { useAnnotationsState } from './context';
import { MentionTextarea } from './MentionTextarea';
import './area.css';

/** A drag shorter than this (CSS pixels) either way is a click, not an area. */
export const AREA_MIN_SIZE = 6;
export const AREA_COLOR = 'blue';

/** A rectangle drawn and waiting for its (optional) comment. */
export interface AreaDraft {
  pageIndex: number;
  /** Where it is drawn on the page, in CSS pixels from the page's top-left corner. */
  box: { left: number; top: number; width: number; height: number };
  /** The same rectangle in PDF user space, as stored. */
  rect: Rect;
  /** Where the comment form opens (viewport coordinates). */
  left: number;
  top: number;
}

interface AreaTool {
  /** Editors and up (annotations.highlight) may mark areas. */
  available: boolean;
  on: boolean;
  setOn: (on: boolean) => void;
  draft: AreaDraft | null;
  setDraft: (draft: AreaDraft | null) => void;
}

const AreaToolContext = createContext<AreaTool>({
  available: false,
  on: false,
  setOn: () => {},
  draft: null,
  setDraft: () => {},
});

export const useAreaTool = () => useContext(AreaToolContext);

/**
 * The Area tool of the reader: on, dragging on a page draws a rectangle that becomes an `area`
 * annotation. `A` toggles it (when not typing), Escape drops the rectangle being commented, then
 * the tool. It and the Note tool exclude each other.
 */
export function AreaToolProvider({ children }: { children: ReactNode }) {
  const { canHighlight, noteMode, setNoteMode } = useAnnotationsState();
  const [on, setOnState] = useState(false);
  const [draft, setDraft] = useState<AreaDraft | null>(null);
  const available = canHighlight;

  const setOn = useCallback(
    (value: boolean) => {
      setOnState(value && available);
      setDraft(null);
      if (value) setNoteMode(false);
    },
    [available, setNoteMode],
  );

  useEffect(() => {
    if (noteMode) {
      setOnState(false);
      setDraft(null);
    }
  }, [noteMode]);

  const now = useRef({ on, draft, setOn });
  now.current = { on, draft, setOn };
  useEffect(() => {
    if (!available) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const { on: active, draft: open, setOn: toggle } = now.current;
      if (event.key === 'a' || event.key === 'A') {
        event.preventDefault();
        toggle(!active);
      } else if (event.key === 'Escape' && (active || open)) {
        if (open) setDraft(null);
        else toggle(false);
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [available]);

  const value = useMemo(() => ({ available, on, setOn, draft, setDraft }), [available, on, setOn, draft]);
  return <AreaToolContext.Provider value={value}>{children}</AreaToolContext.Provider>;
}

/** The toolbar's toggle of the Area tool; nothing for those who may not mark areas. */
export function AreaToggle() {
  const { available, on, setOn } = useAreaTool();
  if (!available) return null;
  return (
    <button
      type="button"
      className="button button-quiet reader-toggle"
      aria-pressed={on}
      aria-keyshortcuts="A"
      title="Drag a rectangle on a page to mark an area (A)"
      onClick={() => setOn(!on)}
    >
      Area
    </button>
  );
}

interface Band {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const boxOf = ({ x0, y0, x1, y1 }: Band) => ({
  left: Math.min(x0, x1),
  top: Math.min(y0, y1),
  width: Math.abs(x1 - x0),
  height: Math.abs(y1 - y0),
});

/**
 * Over one drawn page, while the Area tool is on: the surface the rectangle is dragged on, the
 * rectangle being drawn, and the comment form of the one just drawn.
 */
export function AreaDrawLayer({
  pageIndex,
  coordinates,
}: {
  pageIndex: number;
  coordinates: PageCoordinates;
}) {
  const { on, draft, setDraft } = useAreaTool();
  const [band, setBand] = useState<Band | null>(null);
  const mine = draft?.pageIndex === pageIndex ? draft : null;
  if (!on && !mine) return null;

  const at = (event: PointerEvent<HTMLDivElement>) => {
    const origin = event.currentTarget.getBoundingClientRect();
    const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
    return [
      clamp(event.clientX - origin.left, origin.width),
      clamp(event.clientY - origin.top, origin.height),
    ] as const;
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    const [x, y] = at(event);
    setDraft(null);
    setBand({ x0: x, y0: y, x1: x, y1: y });
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!band) return;
    const [x, y] = at(event);
    setBand({ ...band, x1: x, y1: y });
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (!band) return;
    const [x, y] = at(event);
    const box = boxOf({ ...band, x1: x, y1: y });
    setBand(null);
    if (box.width < AREA_MIN_SIZE || box.height < AREA_MIN_SIZE) return;
    const origin = event.currentTarget.getBoundingClientRect();
    const [rect] = toPdfRects([[box.left, box.top, box.left + box.width, box.top + box.height]], coordinates);
    setDraft({
      pageIndex,
      box,
      rect,
      left: origin.left + box.left,
      top: origin.top + box.top + box.height + 6,
    });
  };

  return (
    <>
      {on && (
        <div
          className="area-draw-surface"
          data-testid={`area-surface-${pageIndex}`}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setBand(null)}
        />
      )}
      {band && <div className="area-draw-band" style={boxOf(band)} aria-hidden="true" />}
      {mine && (
        <>
          <div className="area-draw-band" style={mine.box} aria-hidden="true" />
          <AreaComposer draft={mine} onDone={() => setDraft(null)} />
        </>
      )}
    </>
  );
}

function AreaComposer({ draft, onDone }: { draft: AreaDraft; onDone: () => void }) {
  const { team, actions, focus } = useAnnotationsState();
  const { setOn } = useAreaTool();
  const [body, setBody] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const created = await actions.create.mutateAsync({
        kind: 'area',
        page_index: draft.pageIndex,
        anchors: { rects: [draft.rect] },
        color: AREA_COLOR,
        body,
        visibility: isPrivate ? 'private' : 'team',
      });
      onDone();
      setOn(false);
      focus(created.id, false);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.detail : 'The area could not be saved.');
    } finally {
      setBusy(false);
    }
  }

  const left = Math.max(8, Math.min(draft.left, window.innerWidth - 320));
  const top = Math.min(draft.top, window.innerHeight - 220);
  return (
    <div
      className="annotation-popover"
      role="dialog"
      aria-label="New area"
      style={{ left, top }}
      // Escape while writing drops the rectangle (an open @-mention list takes it first).
      onKeyDown={(event) => event.key === 'Escape' && !event.defaultPrevented && onDone()}
    >
      <form
        className="annotation-composer"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <MentionTextarea
          teamId={team.id}
          value={body}
          onChange={setBody}
          onSubmit={() => void save()}
          label="Comment on the area"
          placeholder="A comment (optional, @ to mention)"
          autoFocus
          rows={3}
        />
        <label className="annotation-check">
          <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.target.checked)} />
          Private (only you see it)
        </label>
        <div className="annotation-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Save area
          </button>
          <button type="button" className="button button-quiet" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="annotation-error">
          {error}
        </p>
      )}
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}
