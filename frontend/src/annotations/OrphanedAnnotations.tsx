import { useDocument } from '../api/documents';
import type { Annotation } from '../api/types';
import { Thread } from './AnnotationSidebar';
import { useAnnotationsState } from './context';
import './orphaned.css';

/**
 * Whether an annotation is drawn on the current version of the file: not when it could not be placed
 * there (`orphaned`), nor while it waits to be placed on a version just parsed (`waiting`: it still
 * points at the text of the version before, for the seconds until the server has re-anchored it).
 */
export function placementOf(annotation: Annotation, currentVersion: number | undefined) {
  if (annotation.anchor_status === 'orphaned') return 'orphaned';
  if (currentVersion !== undefined && annotation.anchor_version < currentVersion) return 'waiting';
  return 'placed';
}

export function isPlaced(annotation: Annotation, currentVersion: number | undefined): boolean {
  return placementOf(annotation, currentVersion) === 'placed';
}

/** The version of the file the reader shows (undefined until the document is loaded). */
export function useCurrentVersion(teamId: string, documentId: string): number | undefined {
  return useDocument(teamId, documentId).data?.version;
}

/**
 * The sidebar's "Orphaned" group: annotations whose text is not in the current version of the file.
 * They are kept (never dropped), with their quote and thread, still open to replies and deletion; a
 * later version tries to place them again.
 */
export function OrphanedAnnotations({ annotations }: { annotations: Annotation[] }) {
  const { team, documentId } = useAnnotationsState();
  const current = useCurrentVersion(team.id, documentId);
  const orphaned = annotations.filter((annotation) => placementOf(annotation, current) === 'orphaned');
  const waiting = annotations.filter((annotation) => placementOf(annotation, current) === 'waiting');
  return (
    <>
      {waiting.length > 0 && (
        <section className="annotation-orphaned" aria-labelledby="annotation-waiting-title">
          <h3 id="annotation-waiting-title">
            Being placed on version {current} ({waiting.length})
          </h3>
          <p className="annotation-hint">
            These are being found in the new text; they appear on the pages in a moment.
          </p>
          <ol className="annotation-threads" aria-label="Threads being placed">
            {waiting.map((annotation) => (
              <Thread key={annotation.id} annotation={annotation} />
            ))}
          </ol>
        </section>
      )}
      {orphaned.length > 0 && <OrphanedGroup orphaned={orphaned} current={current} />}
    </>
  );
}

function OrphanedGroup({ orphaned, current }: { orphaned: Annotation[]; current: number | undefined }) {
  return (
    <section className="annotation-orphaned" aria-labelledby="annotation-orphaned-title">
      <h3 id="annotation-orphaned-title">Orphaned ({orphaned.length})</h3>
      <p className="annotation-hint">
        {current
          ? `These could not be placed in version ${current}: their text is not in it.`
          : 'These could not be placed in the current version: their text is not in it.'}
      </p>
      <ol className="annotation-threads" aria-label="Orphaned threads">
        {orphaned.map((annotation) => (
          <Thread
            key={annotation.id}
            annotation={annotation}
            note={`Could not be placed in version ${current ?? 'the current version'}; last placed on page ${
              annotation.page_index + 1
            } of version ${annotation.anchor_version}.`}
          />
        ))}
      </ol>
    </section>
  );
}
