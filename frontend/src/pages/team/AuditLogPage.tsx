import { useEffect, useRef } from 'react';
import { Navigate } from 'react-router';
import { useAuditLog } from '../../api/teams';
import { Button } from '../../components/Button';
import { FormError } from '../../components/FormError';
import { formatDateTime } from '../../lib/formatDateTime';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { auditActor, describeAuditEvent } from '../../teams/auditDescription';
import { teamUrl, useCan, useCurrentTeam } from '../../teams/currentTeam';
import '../../teams/teams.css';

export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const team = useCurrentTeam();
  const canView = useCan('audit.view');
  const log = useAuditLog(team.id, canView);
  // After "Load more", focus moves to the first new event, so keyboard users carry on from there.
  const firstNewRow = useRef<HTMLTableRowElement>(null);
  const pageCount = log.data?.pages.length ?? 0;
  useEffect(() => {
    if (pageCount > 1) firstNewRow.current?.focus();
  }, [pageCount]);

  // Reached by switching team from another team's audit log: this role may not read it.
  if (!canView) return <Navigate to={teamUrl(team.id)} replace />;

  if (log.isPending) {
    return (
      <>
        <h1>Audit log</h1>
        <p role="status">Loading events…</p>
      </>
    );
  }
  if (log.isError && !log.data) {
    return (
      <>
        <h1>Audit log</h1>
        <div className="stack">
          <FormError error={log.error} />
          <Button variant="secondary" onClick={() => void log.refetch()}>
            Try again
          </Button>
        </div>
      </>
    );
  }

  const pages = log.data.pages;
  const events = pages.flatMap((page) => page.results);
  const firstNewId = pages.length > 1 ? pages[pages.length - 1].results[0]?.id : undefined;

  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Who did what in {team.name}, newest first.</p>
      {events.length === 0 ? (
        <p className="empty-state">Nothing has happened in this team yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="token-table team-table audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Whom or what</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => {
                const { action, target } = describeAuditEvent(event);
                const isFirstNew = event.id === firstNewId;
                return (
                  <tr
                    key={event.id}
                    ref={isFirstNew ? firstNewRow : undefined}
                    tabIndex={isFirstNew ? -1 : undefined}
                  >
                    <td data-label="When">
                      <time dateTime={event.created_at}>{formatDateTime(event.created_at)}</time>
                    </td>
                    <td data-label="Who">{auditActor(event)}</td>
                    <td data-label="What">{action}</td>
                    <td data-label="Whom or what">{target ?? <span className="muted">—</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="load-more" aria-live="polite">
        {log.isFetchNextPageError && <FormError error={log.error} />}
        {log.hasNextPage ? (
          <Button
            variant="secondary"
            pending={log.isFetchingNextPage}
            pendingText="Loading…"
            onClick={() => void log.fetchNextPage()}
          >
            Load more
          </Button>
        ) : (
          events.length > 0 && <p className="muted">That's everything.</p>
        )}
      </div>
    </>
  );
}
