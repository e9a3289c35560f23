import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  name: string;
  /** The server's messages for this field, shown right under the input. */
  errors?: string[];
  /** What the user can do about the error (links), shown after the messages when there are some. */
  errorAction?: ReactNode;
}

/** A labelled input with its error message wired up for assistive technology. */
export function Field({ label, name, errors, errorAction, ...inputProps }: FieldProps) {
  const id = useId();
  const inputId = `${id}-input`;
  const errorId = `${id}-error`;
  const invalid = errors !== undefined && errors.length > 0;

  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? errorId : undefined}
        {...inputProps}
      />
      {invalid && (
        <p id={errorId} className="field-error">
          {errors.join(' ')}
          {errorAction && <> {errorAction}</>}
        </p>
      )}
    </div>
  );
}
