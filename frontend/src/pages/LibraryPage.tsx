import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { DocumentFilters } from '../api/documents';
import type { DocumentState } from '../api/types';
import { Announcer } from '../library/Announcer';
import { DocumentList, LibraryFilters, ORDERINGS, STATES, type LibraryView } from '../library/DocumentList';
import { UploadPanel } from '../library/UploadPanel';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useCan, useCurrentTeam } from '../teams/currentTeam';

const VIEW_KEY = 'scrollkeeper.libraryView';

/** The filters live in the address (?state=ready&tag=optics), so they survive reloads and can be shared. */
function useFilters(): [DocumentFilters, (filters: DocumentFilters) => void] {
  const [params, setParams] = useSearchParams();
  const state = params.get('state');
  const ordering = params.get('ordering');
  const filters: DocumentFilters = {
    state: STATES.some((s) => s.value === state) ? (state as DocumentState) : undefined,
    tag: params.get('tag') || undefined,
    collection: params.get('collection') || undefined,
    ordering: ORDERINGS.find((o) => o.value === ordering)?.value,
  };
  const setFilters = (next: DocumentFilters) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) search.set(key, String(value));
    setParams(search, { replace: true });
  };
  // Keys with no value are left out, so "no filter" is one cache entry whatever the path to it.
  const defined = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
  return [defined as DocumentFilters, setFilters];
}

function useView(): [LibraryView, (view: LibraryView) => void] {
  const [view, setView] = useState<LibraryView>(() =>
    localStorage.getItem(VIEW_KEY) === 'grid' ? 'grid' : 'list',
  );
  return [
    view,
    (next) => {
      localStorage.setItem(VIEW_KEY, next);
      setView(next);
    },
  ];
}

export function LibraryPage() {
  useDocumentTitle('Library');
  const team = useCurrentTeam();
  const canUpload = useCan('documents.upload');
  const [filters, setFilters] = useFilters();
  const [view, setView] = useView();

  return (
    <Announcer>
      <div className="library-header">
        <h1>Library</h1>
        <div className="view-toggle" role="group" aria-label="View">
          {(['list', 'grid'] as const).map((option) => (
            <button
              key={option}
              type="button"
              className="view-toggle-button"
              aria-pressed={view === option}
              onClick={() => setView(option)}
            >
              {option === 'list' ? 'List' : 'Grid'}
            </button>
          ))}
        </div>
      </div>
      {canUpload && <UploadPanel teamId={team.id} />}
      <LibraryFilters teamId={team.id} filters={filters} onChange={setFilters} />
      <DocumentList
        teamId={team.id}
        filters={filters}
        view={view}
        canRetry={canUpload}
        empty={
          <section className="empty-state" aria-labelledby="library-empty">
            <h2 id="library-empty">No documents yet</h2>
            <p>
              PDFs uploaded by your team will appear here.
              {canUpload ? ' Drop some above or choose Upload PDFs.' : ''}
            </p>
          </section>
        }
      />
    </Announcer>
  );
}
