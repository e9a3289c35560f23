import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from './client';
import type {
  ApiTokenList,
  DetailResponse,
  LoginRequest,
  NewApiToken,
  PasswordChangeRequest,
  PasswordResetConfirmRequest,
  Session,
  SignupRequest,
  User,
} from './types';

const AUTH = '/api/v1/auth';

export const authKeys = {
  me: ['auth', 'me'] as const,
  tokens: ['auth', 'tokens'] as const,
};

// ---- Plain functions -------------------------------------------------------

/** The signed-in user, or null when signed out (the session check answers visitors without a 401). */
export async function fetchMe(signal?: AbortSignal): Promise<User | null> {
  return (await api.get<Session>(`${AUTH}/session`, signal)).user;
}

export const signup = (body: SignupRequest) => api.post<User>(`${AUTH}/signup`, body);
export const verifyEmail = (token: string) => api.post<User>(`${AUTH}/verify-email`, { token });
export const resendVerification = (email: string) =>
  api.post<DetailResponse>(`${AUTH}/verify-email/resend`, { email });
export const login = (body: LoginRequest) => api.post<User>(`${AUTH}/login`, body);
export const logout = () => api.post<void>(`${AUTH}/logout`);
export const requestPasswordReset = (email: string) =>
  api.post<DetailResponse>(`${AUTH}/password/reset`, { email });
export const confirmPasswordReset = (body: PasswordResetConfirmRequest) =>
  api.post<DetailResponse>(`${AUTH}/password/reset/confirm`, body);
export const changePassword = (body: PasswordChangeRequest) =>
  api.post<DetailResponse>(`${AUTH}/password/change`, body);
export const listTokens = (signal?: AbortSignal) => api.get<ApiTokenList>(`${AUTH}/tokens`, signal);
export const createToken = (name: string) => api.post<NewApiToken>(`${AUTH}/tokens`, { name });
export const revokeToken = (id: string) => api.delete(`${AUTH}/tokens/${encodeURIComponent(id)}`);

// ---- Hooks -----------------------------------------------------------------

/** `data` is the User when signed in, null when signed out, undefined while unknown. */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
  });
}

/** The signed-in user; only for components rendered inside <RequireAuth>. */
export function useSignedInUser(): User {
  const { data } = useMe();
  if (!data) throw new Error('useSignedInUser() used outside <RequireAuth>');
  return data;
}

export function useSignup() {
  return useMutation({ mutationFn: signup });
}

export function useVerifyEmail() {
  return useMutation({ mutationFn: verifyEmail });
}

export function useResendVerification() {
  return useMutation({ mutationFn: resendVerification });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (user) => queryClient.setQueryData(authKeys.me, user),
  });
}

/**
 * Once the server has ended the session: leaves the signed-in area for
 * /login, then forgets everything cached for the previous user. Navigating
 * first keeps <RequireAuth> from redirecting to /login?next=… on its own.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      navigate('/login', { replace: true });
      queryClient.clear();
      queryClient.setQueryData(authKeys.me, null);
    },
  });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: confirmPasswordReset });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}

export function useTokens() {
  return useQuery({
    queryKey: authKeys.tokens,
    queryFn: ({ signal }) => listTokens(signal),
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: (_, id) => {
      queryClient.setQueryData<ApiTokenList>(
        authKeys.tokens,
        (list) => list && { results: list.results.filter((token) => token.id !== id) },
      );
      return queryClient.invalidateQueries({ queryKey: authKeys.tokens });
    },
  });
}
