import { UserError } from "../core/errors.js";

/** Whether a `store:` value or `ORCHESTRATOR_DATABASE_URL` names a PostgreSQL database. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(value);
}

/**
 * The URL with its password replaced by `***`, for every message, log line and status output:
 * the password must never be printed. Works on URLs `URL` cannot parse too.
 */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
  }
}

/**
 * Checks a PostgreSQL URL enough to give a one-line error before any connection is tried.
 * `where` names where the URL came from (a file and field, or the environment variable).
 */
export function assertPostgresUrl(url: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(
      `${where}: expected a URL like postgres://user@host:5432/database, found ${JSON.stringify(redactDatabaseUrl(url))}`,
    );
  }
  if (!isPostgresUrl(url) || parsed.hostname === "" || parsed.pathname.length <= 1) {
    throw new UserError(
      `${where}: expected a URL like postgres://user@host:5432/database, found ${JSON.stringify(redactDatabaseUrl(url))}`,
    );
  }
}
