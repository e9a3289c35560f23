import type { ReactNode } from 'react';
import { PageNumberInput } from './PageNumberInput';
import { ZOOM_PRESETS, formatPercent, zoomIn, zoomOut, MAX_SCALE, MIN_SCALE, type ZoomMode } from './zoom';

interface ReaderToolbarProps {
  page: number;
  pageCount: number;
  onNavigate: (pageNumber: number) => void;
  zoom: ZoomMode;
  /** The zoom in effect (what 'auto' and 'page-width' come to). */
  scale: number;
  onZoom: (zoom: ZoomMode) => void;
  /** Absent when the document has no outline. */
  outline?: { open: boolean; controls: string; onToggle: () => void };
  /** The annotations' sidebar, when the reader has one. */
  sidebar?: { open: boolean; controls: string; onToggle: () => void; label: string };
  /** Tools that act on the pages (the Area tool). */
  tools?: ReactNode;
}

export function ReaderToolbar({
  page,
  pageCount,
  onNavigate,
  zoom,
  scale,
  onZoom,
  outline,
  sidebar,
  tools,
}: ReaderToolbarProps) {
  const custom = typeof zoom === 'number' && !ZOOM_PRESETS.includes(zoom);
  return (
    <div className="reader-toolbar" role="toolbar" aria-label="Reader">
      {outline && (
        <button
          type="button"
          className="button button-quiet reader-toggle"
          aria-expanded={outline.open}
          aria-controls={outline.controls}
          onClick={outline.onToggle}
        >
          Outline
        </button>
      )}
      {sidebar && (
        <button
          type="button"
          className="button button-quiet reader-toggle"
          aria-expanded={sidebar.open}
          aria-controls={sidebar.controls}
          onClick={sidebar.onToggle}
        >
          {sidebar.label}
        </button>
      )}
      {tools}
      <div className="reader-toolbar-group">
        <button
          type="button"
          className="button button-quiet reader-icon-button"
          aria-label="Previous page"
          title="Previous page"
          disabled={page <= 1}
          onClick={() => onNavigate(page - 1)}
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          className="button button-quiet reader-icon-button"
          aria-label="Next page"
          title="Next page"
          disabled={page >= pageCount}
          onClick={() => onNavigate(page + 1)}
        >
          <span aria-hidden="true">↓</span>
        </button>
        <PageNumberInput page={page} pageCount={pageCount} onNavigate={onNavigate} />
      </div>
      <div className="reader-toolbar-group">
        <button
          type="button"
          className="button button-quiet reader-icon-button"
          aria-label="Zoom out"
          title="Zoom out (Ctrl −)"
          disabled={scale <= MIN_SCALE}
          onClick={() => onZoom(zoomOut(scale))}
        >
          <span aria-hidden="true">−</span>
        </button>
        <select
          className="reader-zoom"
          aria-label="Zoom"
          value={String(zoom)}
          onChange={(event) => onZoom(parseZoom(event.target.value))}
        >
          {/* The fitted zooms show what they come to while chosen. */}
          <option value="auto">Automatic{zoom === 'auto' ? ` (${formatPercent(scale)})` : ''}</option>
          <option value="page-width">
            Fit width{zoom === 'page-width' ? ` (${formatPercent(scale)})` : ''}
          </option>
          {custom && <option value={String(zoom)}>{formatPercent(zoom)}</option>}
          {ZOOM_PRESETS.map((preset) => (
            <option key={preset} value={String(preset)}>
              {formatPercent(preset)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-quiet reader-icon-button"
          aria-label="Zoom in"
          title="Zoom in (Ctrl +)"
          disabled={scale >= MAX_SCALE}
          onClick={() => onZoom(zoomIn(scale))}
        >
          <span aria-hidden="true">+</span>
        </button>
        <button
          type="button"
          className="button button-quiet reader-fit-width"
          aria-pressed={zoom === 'page-width'}
          onClick={() => onZoom('page-width')}
        >
          Fit width
        </button>
      </div>
    </div>
  );
}

function parseZoom(value: string): ZoomMode {
  return value === 'auto' || value === 'page-width' ? value : Number(value);
}
