import { useDocument } from '../api/documents';
import type { Annotation } from '../api/types';
import { Thread } from './AnnotationSidebar';
import { useAnnotationsState } from './context';
import './orphaned.css';

/** Annotations not drawn on the pages: those that could not be placed on the current version of the file. */
export function isOrphaned(annotation: Annotation): boolean {
  return annotation.anchor_status === 'orphaned';
}

/**
 * The sidebar's "Orphaned" group: annotations whose text is not in the current version of the file.
 * They are kept (never dropped), with their quote and thread, still open to replies and deletion; a
 * later version tries to place them again.
 */
export function OrphanedAnnotations({ annotations }: { annotations: Annotation[] }) {
  const { team, documentId } = useAnnotationsState();
  const current = useDocument(team.id, documentId).data?.version;
  const orphaned = annotations.filter(isOrphaned);
  if (orphaned.length === 0) return null;
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
