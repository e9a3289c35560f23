import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { PageNumberInput, parsePageNumber } from './PageNumberInput';

describe('PageNumberInput', () => {
  it('shows "Page N of M" and goes to the page typed on Enter', async () => {
    const user = userEvent.setup();
    const onNavigate = vi.fn();
    render(<PageNumberInput page={3} pageCount={12} onNavigate={onNavigate} />);
    const input = screen.getByRole('textbox', { name: 'Page' });
    expect(input).toHaveValue('3');
    expect(input).toHaveAccessibleDescription('of 12');

    await user.clear(input);
    await user.type(input, '7{Enter}');
    expect(onNavigate).toHaveBeenCalledWith(7);
  });

  it('keeps the page within the document, and ignores what is not a number', async () => {
    const user = userEvent.setup();
    const onNavigate = vi.fn();
    render(<PageNumberInput page={3} pageCount={12} onNavigate={onNavigate} />);
    const input = screen.getByRole('textbox', { name: 'Page' });

    await user.clear(input);
    await user.type(input, '99{Enter}');
    expect(onNavigate).toHaveBeenLastCalledWith(12);

    await user.clear(input);
    await user.type(input, 'abc');
    await user.tab();
    expect(onNavigate).toHaveBeenCalledTimes(1);
    expect(input).toHaveValue('3');
  });

  it('follows the page being read while the reader is not typing', () => {
    const { rerender } = render(<PageNumberInput page={1} pageCount={5} onNavigate={() => {}} />);
    rerender(<PageNumberInput page={4} pageCount={5} onNavigate={() => {}} />);
    expect(screen.getByRole('textbox', { name: 'Page' })).toHaveValue('4');
  });

  it('parses page numbers', () => {
    expect(parsePageNumber(' 4 ', 10)).toBe(4);
    expect(parsePageNumber('0', 10)).toBe(1);
    expect(parsePageNumber('4.5', 10)).toBeNull();
    expect(parsePageNumber('', 10)).toBeNull();
  });
});
