import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useCollections, useDocumentList, useTags, type DocumentFilters } from '../api/documents';
import type { DocumentState, DocumentSummary } from '../api/types';
import { Authors } from '../components/Authors';
import { Button } from '../components/Button';
import { SoftBreaks } from '../components/SoftBreaks';
import { teamUrl } from '../teams/currentTeam';
import { CollectionsDialog, useCanManageCollections } from './CollectionsDialog';
import { DocumentEditDialog, useCanEditDocument } from './DocumentEditDialog';
import { formatDate, plural } from './format';
import { ParseFailure } from './ParseFailure';
import { ParseProgress } from './ProgressBar';
import { StateBadge } from './StateBadge';
import './library.css';

export type LibraryView = 'list' | 'grid';
export type Ordering = NonNullable<DocumentFilters['ordering']>;

export const DEFAULT_ORDERING: Ordering = '-created_at';
export const ORDERINGS: { value: Ordering; label: string }[] = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'title', label: 'Title A–Z' },
  { value: '-title', label: 'Title Z–A' },
];
export const STATES: { value: DocumentState; label: string }[] = [
  { value: 'ready', label: 'Ready' },
  { value: 'parsing', label: 'Parsing' },
  { value: 'queued', label: 'Queued' },
  { value: 'failed', label: 'Failed' },
];

interface FiltersProps {
  teamId: string;
  filters: DocumentFilters;
  onChange: (filters: DocumentFilters) => void;
}

/** State, tag and collection filters and the sort order; each change becomes a query parameter. */
export function LibraryFilters({ teamId, filters, onChange }: FiltersProps) {
  const tags = useTags(teamId).data?.results ?? [];
  const collections = useCollections(teamId).data?.results ?? [];
  const id = useId();
  const set = (changes: DocumentFilters) => onChange({ ...filters, ...changes });
  const canManageCollections = useCanManageCollections();
  const [managing, setManaging] = useState(false);

  return (
    <div className="library-filters" role="group" aria-label="Filter and sort">
      <div className="select-field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={filters.state ?? ''}
          onChange={(event) => set({ state: (event.target.value || undefined) as DocumentState | undefined })}
        >
          <option value="">All states</option>
          {STATES.map((state) => (
            <option key={state.value} value={state.value}>
              {state.label}
            </option>
          ))}
        </select>
      </div>
      <div className="select-field">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <select
          id={`${id}-tag`}
          value={filters.tag ?? ''}
          onChange={(event) => set({ tag: event.target.value || undefined })}
        >
          <option value="">All tags</option>
          {filters.tag && !tags.some((tag) => tag.name === filters.tag) && (
            <option value={filters.tag}>{filters.tag}</option>
          )}
          {tags.map((tag) => (
            <option key={tag.id} value={tag.name}>
              {tag.name}
            </option>
          ))}
        </select>
      </div>
      <div className="select-field">
        <label htmlFor={`${id}-collection`}>Collection</label>
        <select
          id={`${id}-collection`}
          value={filters.collection ?? ''}
          onChange={(event) => set({ collection: event.target.value || undefined })}
        >
          <option value="">All collections</option>
          {collections.map((collection) => (
            <option key={collection.id} value={collection.id}>
              {collection.name}
            </option>
          ))}
        </select>
      </div>
      <div className="select-field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select
          id={`${id}-sort`}
          value={filters.ordering ?? DEFAULT_ORDERING}
          onChange={(event) => {
            const ordering = event.target.value as Ordering;
            set({ ordering: ordering === DEFAULT_ORDERING ? undefined : ordering });
          }}
        >
          {ORDERINGS.map((ordering) => (
            <option key={ordering.value} value={ordering.value}>
              {ordering.label}
            </option>
          ))}
        </select>
      </div>
      {canManageCollections && (
        <div className="library-filters-extra">
          <Button variant="quiet" className="button-small" onClick={() => setManaging(true)}>
            Manage collections
          </Button>
        </div>
      )}
      {managing && (
        <CollectionsDialog
          teamId={teamId}
          onClose={() => setManaging(false)}
          onDeleted={(collectionId) => {
            // The filter would name a collection that is gone.
            if (filters.collection === collectionId) set({ collection: undefined });
          }}
        />
      )}
    </div>
  );
}

interface DocumentListProps {
  teamId: string;
  filters: DocumentFilters;
  view: LibraryView;
  canRetry: boolean;
  /** Shown when the team has no documents at all (no filter applied). */
  empty: ReactNode;
}

export function DocumentList({ teamId, filters, view, canRetry, empty }: DocumentListProps) {
  const list = useDocumentList(teamId, filters);
  const documents = list.data?.pages.flatMap((page) => page.results) ?? [];
  const filtered = Object.values(filters).some((value) => value !== undefined && value !== '');

  if (list.isPending) {
    return (
      <p className="muted" role="status">
        Loading documents…
      </p>
    );
  }
  if (list.isError && documents.length === 0) {
    return (
      <div role="alert" className="form-error library-error">
        <p>{list.error.detail}</p>
        <Button variant="secondary" onClick={() => void list.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (documents.length === 0) {
    if (!filtered) return <>{empty}</>;
    return (
      <section className="empty-state" aria-labelledby="library-no-match">
        <h2 id="library-no-match">No documents match these filters</h2>
        <p>Try another state, tag or collection.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="library-documents" aria-busy={list.isFetching && !list.isFetchingNextPage}>
      <h2 id="library-documents" className="visually-hidden">
        Documents
      </h2>
      <ul className={`doc-list doc-list-${view}`}>
        {documents.map((document) => (
          <DocumentCard key={document.id} teamId={teamId} document={document} canRetry={canRetry} />
        ))}
      </ul>
      {list.isFetchNextPageError && (
        <p role="alert" className="upload-error">
          {list.error?.detail}
        </p>
      )}
      {list.hasNextPage && (
        <div className="library-more">
          <Button
            variant="secondary"
            pending={list.isFetchingNextPage}
            pendingText="Loading…"
            onClick={() => void list.fetchNextPage()}
          >
            Load more
          </Button>
        </div>
      )}
    </section>
  );
}

function DocumentCard({
  teamId,
  document,
  canRetry,
}: {
  teamId: string;
  document: DocumentSummary;
  canRetry: boolean;
}) {
  const titleId = useId();
  const canEdit = useCanEditDocument(document);
  const [editing, setEditing] = useState(false);
  const link = teamUrl(teamId, `documents/${document.id}`);
  const inProgress = document.state === 'queued' || document.state === 'parsing';
  const total = document.pages_total;

  return (
    <li className={`doc doc-${document.state}`} aria-labelledby={titleId}>
      <div className="doc-head">
        <h3 id={titleId} className="doc-title" title={document.title}>
          {document.state === 'ready' ? (
            <Link to={link}>
              <SoftBreaks text={document.title} />
            </Link>
          ) : (
            <SoftBreaks text={document.title} />
          )}
        </h3>
        <div className="doc-head-side">
          <StateBadge state={document.state} />
          {canEdit && (
            <Button
              variant="quiet"
              className="button-small"
              aria-describedby={titleId}
              onClick={() => setEditing(true)}
            >
              Edit
            </Button>
          )}
        </div>
      </div>
      {editing && (
        <DocumentEditDialog teamId={teamId} document={document} onClose={() => setEditing(false)} />
      )}
      {document.authors.length > 0 && (
        <p className="doc-authors">
          <Authors authors={document.authors} />
        </p>
      )}
      <p className="doc-meta">
        {document.state === 'ready' && total !== null && <span>{plural(total, 'page')}</span>}
        <span>
          {document.uploaded_by ? `Uploaded by ${document.uploaded_by.name}` : 'Uploaded by a former member'}
        </span>
        <time dateTime={document.created_at}>{formatDate(document.created_at)}</time>
      </p>
      {document.duplicate_of && (
        <p className="doc-flags">
          <Link
            className="chip chip-warning"
            to={teamUrl(teamId, `documents/${document.duplicate_of}`)}
            title="The same file was uploaded before; this opens the earlier copy"
          >
            Duplicate
          </Link>
        </p>
      )}
      {document.tags.length > 0 && (
        <ul className="doc-tags" aria-label="Tags">
          {document.tags.map((tag) => (
            <li key={tag} className="chip">
              {tag}
            </li>
          ))}
        </ul>
      )}
      {inProgress && <ParseProgress className="doc-progress" document={document} name={document.title} />}
      {document.state === 'failed' && (
        <ParseFailure
          teamId={teamId}
          document={document}
          canRetry={canRetry}
          describedBy={titleId}
          className="doc-failure"
        />
      )}
    </li>
  );
}
