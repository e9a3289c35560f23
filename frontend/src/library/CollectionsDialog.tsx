import { useRef, useState, type FormEvent } from 'react';
import { useCollections, useCreateCollection, useDeleteCollection } from '../api/documents';
import type { Collection } from '../api/types';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { useFocusFirstInvalidField } from '../lib/forms';
import { ConfirmButton } from '../teams/ConfirmButton';
import { useCan } from '../teams/currentTeam';
import { Dialog } from '../teams/Dialog';
import { useAnnounce } from './Announcer';
import './edit.css';

/** Whether to offer "Manage collections" at all: to members who may create or delete one. */
export function useCanManageCollections(): boolean {
  const canCreate = useCan('documents.upload');
  const canDelete = useCan('documents.delete_any');
  return canCreate || canDelete;
}

interface CollectionsDialogProps {
  teamId: string;
  onClose: () => void;
  /** After a collection is deleted, e.g. to drop it from the library's filter. */
  onDeleted?: (collectionId: string) => void;
}

/** The team's collections: create one, delete one (its documents stay in the library). */
export function CollectionsDialog({ teamId, onClose, onDeleted }: CollectionsDialogProps) {
  const collections = useCollections(teamId);
  const canCreate = useCan('documents.upload');
  const canDelete = useCan('documents.delete_any');
  const list = collections.data?.results ?? [];
  // The deleted row takes its focused button with it: focus moves to the list's heading.
  const headingRef = useRef<HTMLHeadingElement>(null);

  return (
    <Dialog title="Collections" onClose={onClose}>
      {canCreate && <CreateCollectionForm teamId={teamId} />}
      <section className="collection-section" aria-labelledby="collections-heading">
        <h3 id="collections-heading" ref={headingRef} tabIndex={-1}>
          The team’s collections
        </h3>
        {collections.isPending ? (
          <p className="muted" role="status">
            Loading collections…
          </p>
        ) : collections.isError ? (
          <div role="alert" className="form-error">
            <p>{collections.error.detail}</p>
          </div>
        ) : list.length === 0 ? (
          <p className="muted">No collections yet.</p>
        ) : (
          <ul className="collection-list">
            {list.map((collection) => (
              <CollectionRow
                key={collection.id}
                teamId={teamId}
                collection={collection}
                canDelete={canDelete}
                onDeleted={(collectionId) => {
                  headingRef.current?.focus();
                  onDeleted?.(collectionId);
                }}
              />
            ))}
          </ul>
        )}
      </section>
      <div className="dialog-actions">
        <Button variant="secondary" onClick={onClose}>
          Done
        </Button>
      </div>
    </Dialog>
  );
}

function CreateCollectionForm({ teamId }: { teamId: string }) {
  const create = useCreateCollection(teamId);
  const announce = useAnnounce();
  const formRef = useFocusFirstInvalidField(create.error);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(
      { name, description },
      {
        onSuccess: (collection) => {
          announce(`Collection ${collection.name} created.`);
          setName('');
          setDescription('');
        },
      },
    );
  }

  return (
    <form
      ref={formRef}
      className="form collection-create"
      onSubmit={handleSubmit}
      aria-label="New collection"
    >
      <FormError error={create.error} shownFields={['name', 'description']} />
      <Field
        label="Name"
        name="name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        autoComplete="off"
        data-autofocus
        errors={create.error?.fields.name}
      />
      <Field
        label="Description (optional)"
        name="description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        autoComplete="off"
        errors={create.error?.fields.description}
      />
      <Button type="submit" pending={create.isPending} pendingText="Creating…">
        Create collection
      </Button>
    </form>
  );
}

function CollectionRow({
  teamId,
  collection,
  canDelete,
  onDeleted,
}: {
  teamId: string;
  collection: Collection;
  canDelete: boolean;
  onDeleted?: (collectionId: string) => void;
}) {
  const remove = useDeleteCollection(teamId);
  const announce = useAnnounce();
  return (
    <li className="collection-row">
      <div className="collection-row-text">
        <span className="collection-name">{collection.name}</span>
        {collection.description && <span className="muted">{collection.description}</span>}
      </div>
      {canDelete && (
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete collection ${collection.name}`}
          question={
            <>
              Delete <strong>{collection.name}</strong>? Its documents stay in the library.
            </>
          }
          confirmLabel="Yes, delete"
          pendingText="Deleting…"
          pending={remove.isPending}
          error={remove.error}
          onAsk={remove.reset}
          onConfirm={() =>
            remove.mutate(collection.id, {
              onSuccess: () => {
                announce(`Collection ${collection.name} deleted.`);
                onDeleted?.(collection.id);
              },
            })
          }
        />
      )}
    </li>
  );
}
