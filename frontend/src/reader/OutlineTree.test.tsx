import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OutlineItem } from '../api/types';
import { OutlineTree, currentEntry } from './OutlineTree';

const OUTLINE: OutlineItem[] = [
  { title: 'Introduction', page_index: 0, children: [] },
  {
    title: 'Methods',
    page_index: 2,
    children: [
      { title: 'Samples', page_index: 3, children: [] },
      { title: 'Broken link', page_index: null, children: [] },
    ],
  },
  { title: 'Results', page_index: 5, children: [] },
];

describe('OutlineTree', () => {
  it('shows the top level, with children behind a disclosure button', async () => {
    const user = userEvent.setup();
    render(<OutlineTree items={OUTLINE} onNavigate={() => {}} />);
    expect(screen.getByRole('button', { name: /^Introduction/ })).toBeInTheDocument();
    expect(screen.queryByText('Samples')).not.toBeInTheDocument();

    const toggle = screen.getByRole('button', { name: 'Expand Methods' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(screen.getByRole('button', { name: 'Collapse Methods' })).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByRole('button', { name: /^Samples/ })).toBeInTheDocument();
    // A bookmark that points nowhere is shown, but is not a button.
    expect(screen.getByText('Broken link').tagName).toBe('SPAN');
    expect(screen.queryByRole('button', { name: /Broken link/ })).not.toBeInTheDocument();
  });

  it('navigates to the 1-based page of the entry clicked', async () => {
    const user = userEvent.setup();
    const onNavigate = vi.fn();
    render(<OutlineTree items={OUTLINE} onNavigate={onNavigate} />);
    const results = screen.getByRole('button', { name: /^Results/ });
    expect(within(results).getByText('6')).toBeInTheDocument();
    await user.click(results);
    expect(onNavigate).toHaveBeenCalledWith(6);

    await user.click(screen.getByRole('button', { name: 'Expand Methods' }));
    await user.click(screen.getByRole('button', { name: /^Samples/ }));
    expect(onNavigate).toHaveBeenLastCalledWith(4);
  });

  it('marks the entry of the page being read, or the collapsed entry holding it', async () => {
    const user = userEvent.setup();
    render(<OutlineTree items={OUTLINE} onNavigate={() => {}} currentPage={4} />);
    expect(screen.getByRole('button', { name: /^Methods/ })).toHaveAttribute('aria-current', 'location');
    expect(screen.getByRole('button', { name: /^Introduction/ })).not.toHaveAttribute('aria-current');

    await user.click(screen.getByRole('button', { name: 'Expand Methods' }));
    expect(screen.getByRole('button', { name: /^Samples/ })).toHaveAttribute('aria-current', 'location');
    expect(screen.getByRole('button', { name: /^Methods/ })).not.toHaveAttribute('aria-current');
  });
});

describe('currentEntry', () => {
  it('is the last entry starting on or before the page, children included', () => {
    expect(currentEntry(OUTLINE, 0)?.title).toBe('Introduction');
    expect(currentEntry(OUTLINE, 3)?.title).toBe('Samples');
    expect(currentEntry(OUTLINE, 4)?.title).toBe('Samples');
    expect(currentEntry(OUTLINE, 9)?.title).toBe('Results');
    expect(currentEntry([{ title: 'Late', page_index: 2, children: [] }], 0)).toBeNull();
  });
});
