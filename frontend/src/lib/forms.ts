import { useEffect, useRef, type FormEvent } from 'react';

/** The named fields of a submitted form, as strings. */
export function formValues<Name extends string>(
  event: FormEvent<HTMLFormElement>,
  ...names: Name[]
): Record<Name, string> {
  const data = new FormData(event.currentTarget);
  return Object.fromEntries(names.map((name) => [name, String(data.get(name) ?? '')])) as Record<
    Name,
    string
  >;
}

/**
 * Returns a ref for a <form>; whenever `error` changes to a new error, moves
 * focus to the first field marked aria-invalid so keyboard and screen-reader
 * users land on what needs fixing.
 */
export function useFocusFirstInvalidField(error: unknown) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);
  return formRef;
}
