import { useRef, useState, type FormEvent } from 'react';
import { useCreateToken, useRevokeToken, useTokens } from '../../api/auth';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { formatDateTime } from '../../lib/formatDateTime';
import { formValues, useFocusFirstInvalidField } from '../../lib/forms';
import { NewTokenSecret } from './NewTokenSecret';

export function ApiTokensSection() {
  const headingRef = useRef<HTMLHeadingElement>(null);
  return (
    <section className="panel" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading" ref={headingRef} tabIndex={-1}>
        API tokens
      </h2>
      <p className="muted">
        API tokens let scripts and integrations use Scrollkeeper as you. Treat them like passwords.
      </p>
      <CreateTokenForm />
      <TokenList onRevoked={() => headingRef.current?.focus()} />
    </section>
  );
}

function CreateTokenForm() {
  const create = useCreateToken();
  const formRef = useFocusFirstInvalidField(create.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate(formValues(event, 'name').name, { onSuccess: () => form.reset() });
  }

  return (
    <>
      {create.isSuccess && <NewTokenSecret key={create.data.id} token={create.data} onDone={create.reset} />}
      <form ref={formRef} className="form form-inline" onSubmit={handleSubmit}>
        <FormError error={create.error} shownFields={['name']} />
        <Field
          label="Token name"
          name="name"
          autoComplete="off"
          required
          errors={create.error?.fields.name}
        />
        <Button type="submit" pending={create.isPending} pendingText="Creating…">
          Create token
        </Button>
      </form>
    </>
  );
}

function TokenList({ onRevoked }: { onRevoked: () => void }) {
  const tokens = useTokens();
  const revoke = useRevokeToken();
  // The token whose "Revoke" was clicked and awaits confirmation.
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  // After "Cancel", focus goes back to that row's "Revoke" button.
  const [cancelledId, setCancelledId] = useState<string | null>(null);

  if (tokens.isPending) return <p role="status">Loading tokens…</p>;
  if (tokens.isError) {
    return (
      <div className="stack">
        <FormError error={tokens.error} />
        <Button variant="secondary" onClick={() => void tokens.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (tokens.data.results.length === 0) return <p className="muted">You have no API tokens yet.</p>;

  function askToRevoke(id: string) {
    revoke.reset();
    setConfirmingId(id);
  }

  function cancelRevoke(id: string) {
    setConfirmingId(null);
    setCancelledId(id);
  }

  function confirmRevoke(id: string) {
    revoke.mutate(id, {
      onSuccess: () => {
        setConfirmingId(null);
        onRevoked();
      },
    });
  }

  return (
    <div className="table-scroll">
      <table className="token-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Token</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data.results.map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td data-label="Token">
                <code>{token.prefix}…</code>
              </td>
              <td data-label="Created">
                <time dateTime={token.created_at}>{formatDateTime(token.created_at)}</time>
              </td>
              <td data-label="Last used">
                {token.last_used_at ? (
                  <time dateTime={token.last_used_at}>{formatDateTime(token.last_used_at)}</time>
                ) : (
                  'Never'
                )}
              </td>
              <td className="token-actions">
                {confirmingId === token.id ? (
                  <div role="group" aria-label={`Revoke ${token.name}?`} className="confirm">
                    <span>Revoke this token? Anything using it will stop working.</span>
                    <Button
                      variant="danger"
                      pending={revoke.isPending}
                      pendingText="Revoking…"
                      onClick={() => confirmRevoke(token.id)}
                    >
                      Yes, revoke
                    </Button>
                    <Button variant="secondary" autoFocus onClick={() => cancelRevoke(token.id)}>
                      Cancel
                    </Button>
                    <FormError error={revoke.error} />
                  </div>
                ) : (
                  <Button
                    variant="secondary"
                    aria-label={`Revoke ${token.name}`}
                    autoFocus={token.id === cancelledId}
                    onClick={() => askToRevoke(token.id)}
                  >
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
