import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { authKeys } from './auth';
import { ApiError } from './client';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}

/** Worth retrying: the request never reached Django, or Django failed. */
function isTransient(error: ApiError): boolean {
  return error.status === 0 || error.status >= 500;
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => error instanceof ApiError && isTransient(error) && failureCount < 2,
      },
    },
    // A 401 from any request means the session has ended (expired, or logged
    // out in another tab): mark the user signed out so <RequireAuth> sends
    // them to the login page.
    queryCache: new QueryCache({ onError: (error) => signOutOn401(error) }),
    mutationCache: new MutationCache({ onError: (error) => signOutOn401(error) }),
  });

  function signOutOn401(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      queryClient.setQueryData(authKeys.me, null);
    }
  }

  return queryClient;
}
