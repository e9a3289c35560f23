import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';

describe('Markdown', () => {
  it('renders paragraphs, line breaks, emphasis, code and http(s) links', () => {
    const { container } = render(
      <Markdown
        text={
          '**Bold** and *em* with `x < y`\nnext line\n\nSee [the paper](https://arxiv.org/abs/1706.03762).'
        }
      />,
    );
    expect(container.querySelectorAll('p')).toHaveLength(2);
    expect(container.querySelector('br')).not.toBeNull();
    expect(container.querySelector('strong')).toHaveTextContent('Bold');
    expect(container.querySelector('em')).toHaveTextContent('em');
    expect(container.querySelector('code')).toHaveTextContent('x < y');
    const link = container.querySelector('a')!;
    expect(link).toHaveAttribute('href', 'https://arxiv.org/abs/1706.03762');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  });

  it('never makes markup or links from what the author wrote as HTML or script URLs', () => {
    const { container } = render(
      <Markdown
        text={'<script>alert(1)</script> <b>x</b> [click](javascript:alert(1)) [data](data:text/html,hi)'}
      />,
    );
    expect(container.querySelector('script, b, a')).toBeNull();
    expect(container).toHaveTextContent('<script>alert(1)</script> <b>x</b> [click](javascript:alert(1))');
  });
});
