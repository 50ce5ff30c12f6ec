-- Accounts, sessions and the audit log (issue F).
-- role: admin | planner | coordinator | leader | grid_member.
-- subdistricts / grids hold id PREFIXES: '340802' (the district adcode) covers every sub-district,
-- '340802001' one sub-district, a 15-digit grid code one grid, a 12-digit community id its grids.

CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name  text,
  password_hash text NOT NULL,                   -- scrypt$N$r$p$salt$hash (base64url)
  role          text NOT NULL CHECK (role IN ('admin', 'planner', 'coordinator', 'leader', 'grid_member')),
  subdistricts  text[] NOT NULL DEFAULT '{}',
  grids         text[] NOT NULL DEFAULT '{}',
  active        boolean NOT NULL DEFAULT true,
  demo          boolean NOT NULL DEFAULT false,  -- demo users (development only)
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions: only the SHA-256 of the cookie token is stored.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf        text NOT NULL,                     -- synchroniser token echoed in the x-csrf-token header
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  ip          text,
  user_agent  text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Every write: who, when, what, before and after. No foreign key on actor_id: the log outlives users.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor       text NOT NULL,                     -- username, 'anonymous' or 'system'
  actor_id    bigint,
  actor_role  text,
  action      text NOT NULL,                     -- e.g. 'plan.edit', 'user.create', 'http.post'
  entity      text,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  method      text,
  url         text,
  status      integer,
  ip          text
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor);
