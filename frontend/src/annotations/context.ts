import { createContext, useContext } from 'react';
import type { useAnnotationActions } from '../api/annotations';
import type { Annotation, TeamDetail, User } from '../api/types';
import type { PageCoordinates } from '../reader/engine';
import type { DomSelection, Rect } from './anchoring';

export type Draft =
  | {
      kind: 'selection';
      selection: DomSelection;
      /** The selection's lines in PDF points, measured at the zoom it was made at. */
      rects: Rect[];
      /** Its lines on the following pages, in PDF points, when it runs over a page break. */
      continued?: { pageIndex: number; rects: Rect[] }[];
      left: number;
      top: number;
      composing: boolean;
    }
  | { kind: 'note'; pageIndex: number; point: [number, number]; left: number; top: number };

export interface AnnotationsState {
  team: TeamDetail;
  user: User;
  documentId: string;
  annotations: Annotation[];
  /** Why the list couldn't be loaded (null while loading or loaded), and how to try again. */
  loadError: string | null;
  reload: () => void;
  canHighlight: boolean;
  actions: ReturnType<typeof useAnnotationActions>;
  selectedId: string | null;
  flashId: string | null;
  /** Selects the thread, opens the sidebar and scrolls the page to the annotation. */
  focus: (id: string, scroll?: boolean) => void;
  noteMode: boolean;
  setNoteMode: (on: boolean) => void;
  draft: Draft | null;
  setDraft: (draft: Draft | null) => void;
  /** Each drawn page registers how its CSS pixels map to PDF points at the current zoom. */
  coordinates: Map<number, PageCoordinates>;
}

export const AnnotationsContext = createContext<AnnotationsState | null>(null);

export function useAnnotationsState(): AnnotationsState {
  const state = useContext(AnnotationsContext);
  if (!state) throw new Error('useAnnotationsState() used outside <AnnotationsProvider>');
  return state;
}
