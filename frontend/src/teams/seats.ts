import type { TeamDetail } from '../api/types';

/** "3 of 5 seats used" / "1 seat used, no limit". Pending invitations hold seats too. */
export function seatsText(team: TeamDetail): string {
  if (team.seat_limit !== null) return `${team.seats_used} of ${team.seat_limit} seats used`;
  return `${team.seats_used} ${team.seats_used === 1 ? 'seat' : 'seats'} used, no limit`;
}
