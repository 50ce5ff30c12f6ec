-- Per-account sign-in throttling (issue N): consecutive failed sign-ins per user name (lower case),
-- whatever the client address. Names that match no account are counted the same way, so the answer
-- never tells whether an account exists. A successful sign-in deletes the row.
CREATE TABLE login_failures (
  username        text PRIMARY KEY,
  failures        integer NOT NULL DEFAULT 0,
  last_failed_at  timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz
);
CREATE INDEX login_failures_last ON login_failures (last_failed_at);
