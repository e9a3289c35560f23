import { Fragment } from 'react';

const AFTER_SEPARATORS = /(?<=[_.])(?=[^_.])/;

/**
 * `text` with a line-break opportunity after each underscore and dot, so that a file name standing in
 * for a title ("pypdf_Seige_of_Vicksburg_Sample_OCR") wraps between its words rather than inside one.
 * The text itself (what is read out, selected and copied) is unchanged.
 */
export function SoftBreaks({ text }: { text: string }) {
  const parts = text.split(AFTER_SEPARATORS);
  return (
    <>
      {parts.map((part, index) => (
        // The parts of one string, in order: their positions are their identities.
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
