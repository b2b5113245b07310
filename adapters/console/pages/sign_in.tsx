import { Layout } from "../layout.tsx";

export function signInPage(props: { next: string; error: string | null; csrf: string }) {
  return (
    <Layout title="Sign in" page={null}>
      <div class="signin">
        <h1>Sign in to Loupe</h1>
        <p>
          Paste the access token you were given. It is checked once; the console keeps a session.
        </p>
        <form method="post" action="/console/signin">
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name="csrf" value={props.csrf} />
          <div class={`field ${props.error === null ? "" : "invalid"}`}>
            <label for="token">Access token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="off"
              required
              autofocus
              aria-invalid={props.error === null ? undefined : "true"}
              aria-describedby={props.error === null ? undefined : "token-error"}
            />
            {props.error === null
              ? null
              : <p class="field-error" id="token-error" role="alert">{props.error}</p>}
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}
