import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { teamKeys, useTeams } from '../api/teams';
import type { Team, TeamList } from '../api/types';
import { AuthCard } from '../components/AuthCard';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/**
 * What a team's pages become once the user is no longer in it (removed, or the team was deleted):
 * the server now answers 404 for the team they had open, and the name it had is still known.
 * Offers the user's other teams; the team is taken out of the cached list, so that the home page
 * cannot pick it again while the list reloads.
 */
export function TeamAccessEnded({ team }: { team: Pick<Team, 'id' | 'name'> }) {
  useDocumentTitle(`No access to ${team.name}`);
  const queryClient = useQueryClient();
  const teams = useTeams();
  const others = (teams.data?.results ?? []).filter((other) => other.id !== team.id);

  useEffect(() => {
    queryClient.setQueryData<TeamList>(
      teamKeys.list,
      (list) => list && { results: list.results.filter((other) => other.id !== team.id) },
    );
    void queryClient.invalidateQueries({ queryKey: teamKeys.list, exact: true });
  }, [queryClient, team.id]);

  return (
    <AuthCard title={`You no longer have access to ${team.name}`}>
      <p>
        You were removed from this team, or it was deleted, so its documents are no longer available to you.
        If you think this is a mistake, ask one of its owners to invite you again.
      </p>
      {others.length > 0 && (
        <nav aria-labelledby="other-teams-heading">
          <h2 id="other-teams-heading">Your other teams</h2>
          <ul>
            {others.map((other) => (
              <li key={other.id}>
                <Link to={`/t/${other.id}/library`}>{other.name}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Link to="/" className="button button-primary">
        Go to the home page
      </Link>
    </AuthCard>
  );
}
