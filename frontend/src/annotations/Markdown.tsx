import { Fragment, type ReactNode } from 'react';

/**
 * A small, safe Markdown: paragraphs, line breaks, **bold**, *emphasis*, `code` and links to http(s)
 * addresses. Everything else is text: React escapes it, and no HTML the author wrote is ever parsed.
 */
export function Markdown({ text }: { text: string }) {
  const paragraphs = text.split(/\n{2,}/).filter((paragraph) => paragraph.trim());
  return (
    <>
      {paragraphs.map((paragraph, index) => (
        <p key={index}>
          {paragraph.split('\n').map((line, lineIndex) => (
            <Fragment key={lineIndex}>
              {lineIndex > 0 && <br />}
              {inline(line)}
            </Fragment>
          ))}
        </p>
      ))}
    </>
  );
}

const TOKEN =
  /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<]+[^\s<.,;:!?)])/g;

export function inline(text: string): ReactNode[] {
  const nodes: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const at = match.index;
    if (at > last) nodes.push(text.slice(last, at));
    const [, code, bold, em, label, href, bare] = match;
    const key = nodes.length;
    if (code !== undefined) nodes.push(<code key={key}>{code}</code>);
    else if (bold !== undefined) nodes.push(<strong key={key}>{bold}</strong>);
    else if (em !== undefined) nodes.push(<em key={key}>{em}</em>);
    else {
      const url = href ?? bare;
      nodes.push(
        <a key={key} href={url} target="_blank" rel="noopener noreferrer nofollow">
          {label ?? bare}
        </a>,
      );
    }
    last = at + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}
