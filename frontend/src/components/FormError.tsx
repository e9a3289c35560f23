import type { ApiError } from '../api/client';

interface FormErrorProps {
  error: ApiError | null;
  /** Fields whose messages the form already shows under its inputs. */
  shownFields?: string[];
}

/**
 * The server's form-level message, plus any field messages that have no
 * input on this form to sit under (so no message from the server is lost).
 */
export function FormError({ error, shownFields = [] }: FormErrorProps) {
  if (!error) return null;
  const otherMessages = Object.entries(error.fields)
    .filter(([field]) => !shownFields.includes(field))
    .flatMap(([, messages]) => messages);

  return (
    <div role="alert" className="form-error">
      <p>{error.detail}</p>
      {otherMessages.length > 0 && (
        <ul>
          {otherMessages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
