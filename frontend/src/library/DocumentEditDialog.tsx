import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useSignedInUser } from '../api/auth';
import { useCollections, useDeleteDocument, useTags, useUpdateDocument } from '../api/documents';
import type { DocumentSummary, DocumentUpdateRequest } from '../api/types';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { useFocusFirstInvalidField } from '../lib/forms';
import { useAnnounce } from './Announcer';
import { ConfirmButton } from '../teams/ConfirmButton';
import { useCan } from '../teams/currentTeam';
import { Dialog } from '../teams/Dialog';
import './edit.css';

/**
 * Whether to offer "Edit" (and "Delete") for the document: the role's rule of documents/services.py,
 * used only to hide controls the server would refuse; the server decides, and its refusal is shown.
 */
export function useCanEditDocument(document: Pick<DocumentSummary, 'uploaded_by'> | undefined): boolean {
  const user = useSignedInUser();
  const canEditOwn = useCan('documents.edit_own');
  const canEditAny = useCan('documents.delete_any');
  if (!document) return false;
  return canEditAny || (canEditOwn && document.uploaded_by?.id === user.id);
}

const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

/** Adds the tags typed in `text` (comma-separated) to `tags`, skipping blanks and repeats. */
function withTags(tags: string[], text: string): string[] {
  const next = [...tags];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name && !next.some((tag) => sameName(tag, name))) next.push(name);
  }
  return next;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

interface DocumentEditDialogProps {
  teamId: string;
  document: DocumentSummary;
  onClose: () => void;
  /** After the document is deleted (the dialog is closed by then). */
  onDeleted?: () => void;
}

/** The document's title, tags and collections, and its deletion. */
export function DocumentEditDialog({ teamId, document, onClose, onDeleted }: DocumentEditDialogProps) {
  const id = useId();
  const update = useUpdateDocument(teamId);
  const announce = useAnnounce();
  const remove = useDeleteDocument(teamId, () => {
    announce(`${document.title} was deleted.`);
    onDeleted?.();
  });
  const teamTags = useTags(teamId).data?.results ?? [];
  const collections = useCollections(teamId);
  const [title, setTitle] = useState(document.title);
  const [tags, setTags] = useState(document.tags);
  const [draft, setDraft] = useState('');
  const [collectionIds, setCollectionIds] = useState(() => document.collections.map((c) => c.id));
  const formRef = useFocusFirstInvalidField(update.error);

  const suggestions = teamTags.filter((tag) => !tags.some((name) => sameName(name, tag.name)));
  const tagErrors = update.error?.fields.tags;
  const collectionErrors = update.error?.fields.collection_ids;

  function addDraft() {
    setTags((current) => withTags(current, draft));
    setDraft('');
  }

  function handleTagKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault(); // Enter adds the tag rather than submitting the form
      addDraft();
    } else if (event.key === 'Backspace' && draft === '' && tags.length > 0) {
      event.preventDefault();
      setTags((current) => current.slice(0, -1));
    }
  }

  function handleDraftChange(value: string) {
    // A pasted "a, b, c" becomes chips at once; the text after the last comma stays in the input.
    if (value.includes(',')) {
      const last = value.lastIndexOf(',');
      setTags((current) => withTags(current, value.slice(0, last)));
      setDraft(value.slice(last + 1).trimStart());
    } else {
      setDraft(value);
    }
  }

  function toggleCollection(collectionId: string, checked: boolean) {
    setCollectionIds((current) =>
      checked ? [...current, collectionId] : current.filter((value) => value !== collectionId),
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A tag still being typed counts, as if Enter had been pressed.
    const finalTags = withTags(tags, draft);
    setTags(finalTags);
    setDraft('');
    // Only what changed: a member editing tags does not overwrite a title someone else just changed.
    const changes: DocumentUpdateRequest = {};
    if (title !== document.title) changes.title = title;
    if (!sameList(finalTags, document.tags)) changes.tags = finalTags;
    const before = document.collections.map((c) => c.id);
    if (!sameList([...collectionIds].sort(), [...before].sort())) changes.collection_ids = collectionIds;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate({ documentId: document.id, changes }, { onSuccess: onClose });
  }

  function handleDelete() {
    remove.mutate(document.id, { onSuccess: onClose });
  }

  const collectionList = collections.data?.results ?? [];
  return (
    <Dialog title="Document details" onClose={onClose}>
      <form ref={formRef} className="form" onSubmit={handleSubmit}>
        <FormError error={update.error} shownFields={['title', 'tags', 'collection_ids']} />
        <Field
          label="Title"
          name="title"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          autoComplete="off"
          data-autofocus
          errors={update.error?.fields.title}
        />

        <div className="field">
          <label htmlFor={`${id}-tag`}>Tags</label>
          <div className={tagErrors ? 'tag-input tag-input-invalid' : 'tag-input'}>
            {tags.length > 0 && (
              <ul className="tag-input-chips" aria-label="Chosen tags">
                {tags.map((tag) => (
                  <li key={tag} className="chip tag-chip">
                    {tag}
                    <button
                      type="button"
                      className="tag-chip-remove"
                      aria-label={`Remove tag ${tag}`}
                      onClick={() => setTags((current) => current.filter((name) => name !== tag))}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <input
              id={`${id}-tag`}
              className="tag-input-text"
              value={draft}
              list={`${id}-suggestions`}
              autoComplete="off"
              aria-describedby={`${id}-tag-hint${tagErrors ? ` ${id}-tag-error` : ''}`}
              aria-invalid={tagErrors ? true : undefined}
              onChange={(event) => handleDraftChange(event.target.value)}
              onKeyDown={handleTagKeyDown}
            />
            <datalist id={`${id}-suggestions`}>
              {suggestions.map((tag) => (
                <option key={tag.id} value={tag.name} />
              ))}
            </datalist>
          </div>
          <p id={`${id}-tag-hint`} className="field-hint">
            Press Enter or type a comma to add a tag; Backspace removes the last one.
          </p>
          {tagErrors && (
            <p id={`${id}-tag-error`} className="field-error">
              {tagErrors.join(' ')}
            </p>
          )}
        </div>

        <fieldset
          className="collection-choices"
          aria-describedby={collectionErrors ? `${id}-collections-error` : undefined}
        >
          <legend>Collections</legend>
          {collections.isPending ? (
            <p className="muted">Loading collections…</p>
          ) : collectionList.length === 0 ? (
            <p className="field-hint">
              The team has no collections yet. Create them with “Manage collections” in the library.
            </p>
          ) : (
            <ul>
              {collectionList.map((collection) => (
                <li key={collection.id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={collectionIds.includes(collection.id)}
                      onChange={(event) => toggleCollection(collection.id, event.target.checked)}
                    />
                    {collection.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {collectionErrors && (
            <p id={`${id}-collections-error`} className="field-error">
              {collectionErrors.join(' ')}
            </p>
          )}
        </fieldset>

        <div className="dialog-actions">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={update.isPending} pendingText="Saving…">
            Save
          </Button>
        </div>
      </form>

      <div className="edit-danger">
        <ConfirmButton
          label="Delete document"
          question={
            <>
              Delete <strong>{document.title}</strong> and its file for everyone in the team?
            </>
          }
          confirmLabel="Yes, delete"
          pendingText="Deleting…"
          pending={remove.isPending}
          error={remove.error}
          onAsk={remove.reset}
          onConfirm={handleDelete}
        />
      </div>
    </Dialog>
  );
}
