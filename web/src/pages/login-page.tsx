/** Sign in with a user name and password; the API answers with a JWT whose role shapes the UI. */
import { useState, type FormEvent } from 'react';
import { ApiError, login } from '../api/client';

export function LoginPage(): React.JSX.Element {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [state, setState] = useState<{ status: 'idle' } | { status: 'sending' } | { status: 'failed'; message: string }>({ status: 'idle' });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setState({ status: 'sending' });
    try {
      await login(username.trim(), password);
    } catch (error) {
      const message =
        error instanceof ApiError
          ? error.status === 401
            ? 'Wrong user name or password.'
            : error.status === 429
              ? 'Too many attempts; wait a minute and try again.'
              : error.message
          : 'The server did not answer. Is `strata serve` running?';
      setState({ status: 'failed', message });
    }
  };

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand big">
          <span className="brand-mark" aria-hidden="true" />
          Strata
        </div>
        <h1 id="login-title">Sign in</h1>
        <label className="field block">
          <span>User name</span>
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label className="field block">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {state.status === 'failed' ? (
          <p className="form-error" role="alert" data-testid="login-error">
            {state.message}
          </p>
        ) : null}
        <button type="submit" className="button primary block" disabled={state.status === 'sending'}>
          {state.status === 'sending' ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">Accounts are created with <code>strata users add</code>.</p>
      </form>
    </main>
  );
}
