import { useEffect } from 'react';

/** Sets the tab title to "<page> · Scrollkeeper". */
export function useDocumentTitle(page: string) {
  useEffect(() => {
    document.title = `${page} · Scrollkeeper`;
  }, [page]);
}
