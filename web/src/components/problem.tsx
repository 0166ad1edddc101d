import { LoginNeededError } from "../api.js";

/** A failed load: the login hint when there is no session, else the message. */
export function Problem(props: { readonly error: Error }) {
  if (props.error instanceof LoginNeededError) {
    return (
      <div class="notice" data-testid="login-needed">
        Not logged in. Open the <b>log in</b> URL that <code>orchestrator serve</code> printed.
      </div>
    );
  }
  return <div class="notice error">{props.error.message}</div>;
}
