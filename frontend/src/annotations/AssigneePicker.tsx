import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { putAnnotation } from '../api/annotations';
import { ApiError, api } from '../api/client';
import { teamPath, useMembers } from '../api/teams';
import type { Annotation, UserRef } from '../api/types';
import { useAnnotationsState } from './context';

const nameOf = (user: UserRef) => user.name || user.email;

/** "Assigned to you" / "Assigned to Bob", on a thread that has an assignee. */
export function AssignedTo({ annotation }: { annotation: Annotation }) {
  const { user } = useAnnotationsState();
  const assignee = annotation.assignee;
  if (!assignee) return null;
  return (
    <p className="annotation-assignee">
      Assigned to <strong>{assignee.id === user.id ? 'you' : nameOf(assignee)}</strong>
    </p>
  );
}

/**
 * Assigns the thread to a member of the team, or to nobody. Sent with the version shown: when someone
 * changed the annotation meanwhile (409), their version is shown and the choice is to be made again.
 */
export function AssigneePicker({ annotation }: { annotation: Annotation }) {
  const { team, documentId, actions, user } = useAnnotationsState();
  const members = useMembers(team.id);
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  // The member list opens on demand, so a thread isn't a wall of names.
  const [open, setOpen] = useState(false);
  const id = useId();
  const current = annotation.assignee;
  const list = members.data?.results.map((member) => member.user) ?? [];
  // The assignee stays choosable while the members load, or after they left the team.
  const choices = current && !list.some((member) => member.id === current.id) ? [current, ...list] : list;

  async function assign(assigneeId: string | null) {
    setError(null);
    try {
      await actions.update.mutateAsync({
        id: annotation.id,
        version: annotation.version,
        assignee_id: assigneeId,
      });
      setOpen(false);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        const path = teamPath(
          team.id,
          `/documents/${encodeURIComponent(documentId)}/annotations/${encodeURIComponent(annotation.id)}`,
        );
        const fresh = await api.get<Annotation>(path).catch(() => null);
        if (fresh) putAnnotation(queryClient, team.id, fresh);
        setError('Someone changed this annotation meanwhile. Check the assignee, then choose again.');
      } else setError(caught instanceof ApiError ? caught.detail : 'The assignee could not be changed.');
    }
  }

  return (
    <div className="annotation-assign">
      {open ? (
        <>
          <label htmlFor={id}>Assignee</label>
          <select
            id={id}
            value={current?.id ?? ''}
            disabled={actions.update.isPending}
            autoFocus
            onChange={(event) => void assign(event.target.value || null)}
            onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}
          >
            <option value="">Nobody</option>
            {choices.map((member) => (
              <option key={member.id} value={member.id}>
                {member.id === user.id ? `${nameOf(member)} (you)` : nameOf(member)}
              </option>
            ))}
          </select>
          <button type="button" className="button button-quiet" onClick={() => setOpen(false)}>
            Done
          </button>
        </>
      ) : (
        <button type="button" className="button button-quiet" onClick={() => setOpen(true)}>
          {current ? 'Change assignee' : 'Assign…'}
        </button>
      )}
      {open && members.isError && (
        <p role="alert" className="annotation-error">
          The team&apos;s members could not be loaded.{' '}
          <button type="button" className="button-link" onClick={() => void members.refetch()}>
            Try again
          </button>
        </p>
      )}
      {error && (
        <p role="alert" className="annotation-error">
          {error}
        </p>
      )}
    </div>
  );
}
