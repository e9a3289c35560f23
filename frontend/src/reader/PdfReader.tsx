import { useRef } from 'react';
import type { DocumentDetail, OutlineItem } from '../api/types';
import { AnnotationSidebar } from '../annotations/AnnotationSidebar';
import { AnnotationFromAddress } from '../annotations/AnnotationFromAddress';
import { AnnotationsProvider } from '../annotations/AnnotationsProvider';
import { AreaToggle, AreaToolProvider } from '../annotations/AreaDrawLayer';
import { Button } from '../components/Button';
import { usePresencePage } from '../realtime/presence';
import { useCurrentTeam } from '../teams/currentTeam';
import { PdfViewer } from './PdfViewer';
import { usePdfDocument } from './usePdfDocument';

interface PdfReaderProps {
  teamId: string;
  document: DocumentDetail;
}

/** Downloads the document's PDF and shows it; a failure is explained and can be retried. */
export function PdfReader({ teamId, document }: PdfReaderProps) {
  const { state, reload, attempt } = usePdfDocument(teamId, document.id);
  const team = useCurrentTeam();
  // The page being read, so opening the file again (after an error) comes back to it.
  const lastPage = useRef<number | null>(null);
  // Other members see the page this tab shows (avatars in their reader's header).
  const reportPage = usePresencePage(document.id);

  if (state.status === 'loading') {
    const percent = state.total ? Math.round((100 * state.loaded) / state.total) : null;
    return (
      <div className="page-status" role="status">
        <p>Loading the PDF…{percent !== null && ` ${percent}%`}</p>
        <progress max={100} value={percent ?? undefined} aria-label="Loading the PDF" />
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="page-status">
        <div role="alert" className="form-error">
          <p>{state.message}</p>
        </div>
        <Button variant="secondary" onClick={reload}>
          Try again
        </Button>
      </div>
    );
  }
  return (
    <AnnotationsProvider team={team} documentId={document.id}>
      {({ sidebarOpen, setSidebarOpen, annotations }) => (
        <AreaToolProvider>
          <AnnotationFromAddress />
          <PdfViewer
            key={`${document.id}:${attempt}`}
            document={state.document}
            initialPage={lastPage.current}
            onPageChange={(page) => {
              lastPage.current = page;
              reportPage(page);
            }}
            tools={<AreaToggle />}
            // The schema types outline children loosely; the API nests the same shape.
            outline={document.outline as OutlineItem[]}
            pagesWithoutText={document.pages_without_text}
            onReload={reload}
            sidebar={{
              id: 'reader-annotations',
              label: annotations.length ? `Annotations (${annotations.length})` : 'Annotations',
              open: sidebarOpen,
              onToggle: () => setSidebarOpen(!sidebarOpen),
              content: <AnnotationSidebar />,
            }}
          />
        </AreaToolProvider>
      )}
    </AnnotationsProvider>
  );
}
