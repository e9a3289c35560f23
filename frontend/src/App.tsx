import { Navigate, Route, Routes } from 'react-router';
import { useMe } from './api/auth';
import { AppLayout } from './components/AppLayout';
import { RequireAuth } from './components/RequireAuth';
import { SessionFallback } from './components/SessionFallback';
import { AccountPage } from './pages/AccountPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { LibraryPage } from './pages/LibraryPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SignupPage } from './pages/SignupPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';
import { LazyReaderPage } from './reader/LazyReaderPage';
import { AcceptInvitationPage } from './pages/team/AcceptInvitationPage';
import { AuditLogPage } from './pages/team/AuditLogPage';
import { CreateTeamPage } from './pages/team/CreateTeamPage';
import { MembersPage } from './pages/team/MembersPage';
import { TeamSettingsPage } from './pages/team/TeamSettingsPage';
import { GoToTeam, TeamLayout } from './teams/currentTeam';

export function App() {
  return (
    <Routes>
      <Route index element={<HomeRedirect />} />
      <Route path="signup" element={<SignupPage />} />
      <Route path="verify-email" element={<VerifyEmailPage />} />
      <Route path="login" element={<LoginPage />} />
      <Route path="forgot-password" element={<ForgotPasswordPage />} />
      <Route path="reset-password/:uid/:token" element={<ResetPasswordPage />} />
      <Route path="invitations/:token" element={<AcceptInvitationPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route path="library" element={<GoToTeam page="library" />} />
          <Route path="account" element={<AccountPage />} />
          <Route path="teams/new" element={<CreateTeamPage />} />
        </Route>
        <Route path="t/:teamId" element={<TeamLayout />}>
          <Route element={<AppLayout />}>
            <Route index element={<Navigate to="library" replace />} />
            {/* documents pages */}
            <Route path="library" element={<LibraryPage />} />
            <Route path="documents/:documentId" element={<LazyReaderPage />} />
            {/* teams pages */}
            <Route path="members" element={<MembersPage />} />
            <Route path="settings" element={<TeamSettingsPage />} />
            <Route path="audit-log" element={<AuditLogPage />} />
          </Route>
        </Route>
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/** "/" goes to the library of the team used last when signed in, to the login page otherwise. */
function HomeRedirect() {
  const me = useMe();
  if (me.data === undefined) return <SessionFallback error={me.error} onRetry={() => void me.refetch()} />;
  return me.data ? <GoToTeam /> : <Navigate to="/login" replace />;
}
