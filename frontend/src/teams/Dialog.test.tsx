import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

function Opener({ onClose = () => {} }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && (
        <Dialog
          title="Versions"
          onClose={() => {
            onClose();
            setOpen(false);
          }}
        >
          <button type="button">Upload a new version</button>
        </Dialog>
      )}
    </>
  );
}

describe('Dialog', () => {
  it('closes on Escape even when focus has left it for the page (a file chooser closed)', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<Opener onClose={onClose} />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);

    await user.keyboard('{Escape}');

    expect(onClose).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('brings Tab back inside from the page', async () => {
    const user = userEvent.setup();
    render(<Opener />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    (document.activeElement as HTMLElement).blur();

    await user.tab();

    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
  });

  it('gives Escape to the dialog opened last only', async () => {
    const user = userEvent.setup();
    const outer = vi.fn();
    const inner = vi.fn();
    function Nested() {
      const [more, setMore] = useState(false);
      return (
        <Dialog title="Outer" onClose={outer}>
          <button type="button" onClick={() => setMore(true)}>
            More
          </button>
          {more && (
            <Dialog title="Inner" onClose={inner}>
              <p>Nested</p>
            </Dialog>
          )}
        </Dialog>
      );
    }
    render(<Nested />);
    await user.click(screen.getByRole('button', { name: 'More' }));

    await user.keyboard('{Escape}');

    expect(inner).toHaveBeenCalledOnce();
    expect(outer).not.toHaveBeenCalled();
  });
});
