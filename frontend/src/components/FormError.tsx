import type { ApiError } from '../api/client';

interface FormErrorProps {
  error: ApiError | null;
  /** Fields whose messages the form already shows under its inputs. */
  shownFields?: string[];
}

/**
 * The server's form-level message, plus any field messages that have no
 * input on this form to sit under (so no message from the server is lost).
 * When every message already sits under its input, the summary would only
 * repeat them, so nothing is shown here (focus moves to the first invalid field).
 */
export function FormError({ error, shownFields = [] }: FormErrorProps) {
  if (!error) return null;
  const fieldNames = Object.keys(error.fields);
  const otherMessages = Object.entries(error.fields)
    .filter(([field]) => !shownFields.includes(field))
    .flatMap(([, messages]) => messages);
  if (fieldNames.length > 0 && otherMessages.length === 0) return null;

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
