const SHOWN = 4;

/**
 * A document's authors in a line: the first four, then how many more (all of them on hover). A paper of
 * a large collaboration names hundreds, and the parser keeps up to a hundred.
 */
export function Authors({ authors }: { authors: string[] }) {
  const more = authors.length - SHOWN;
  return (
    <span title={more > 0 ? authors.join(', ') : undefined}>
      {authors.slice(0, SHOWN).join(', ')}
      {more > 0 && ` and ${more} more`}
    </span>
  );
}
