import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Authors } from './Authors';

describe('Authors', () => {
  it('names up to four authors', () => {
    render(<Authors authors={['Ada Lovelace', 'Alan Turing']} />);
    const line = screen.getByText('Ada Lovelace, Alan Turing');
    expect(line).not.toHaveAttribute('title');
  });

  it('names the first four of a long list, counts the rest, and gives them all on hover', () => {
    const authors = Array.from({ length: 100 }, (_, index) => `Author ${index + 1}`);
    render(<Authors authors={authors} />);
    const line = screen.getByText('Author 1, Author 2, Author 3, Author 4 and 96 more');
    expect(line).toHaveAttribute('title', authors.join(', '));
  });
});
