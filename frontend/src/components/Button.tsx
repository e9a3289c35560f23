import type { ButtonHTMLAttributes } from 'react';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'danger' | 'quiet';
  /** While true the button is disabled and shows `pendingText`, e.g. "Saving…". */
  pending?: boolean;
  pendingText?: string;
}

export function Button({
  variant = 'primary',
  pending = false,
  pendingText,
  disabled,
  type = 'button',
  className,
  children,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={['button', `button-${variant}`, className].filter(Boolean).join(' ')}
      disabled={disabled || pending}
      {...props}
    >
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
