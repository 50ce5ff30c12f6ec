-- Credit community (信用社区): merits a resident declares (volunteering, deliberation, reporting
-- damaged public assets) are reviewed by the grid's staff; demerits recorded by the grid's staff are
-- checked by the community. Approved merits and confirmed demerits give the household's rating
-- (households.credit_rating, A / 2A / 3A; server/credit/rules.ts). Every step writes an audit row.
-- status: merit declared → approved | rejected; demerit recorded → confirmed | dismissed.
CREATE TABLE credit_entries (
  id           bigserial PRIMARY KEY,
  household_id text NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  grid_code    text CHECK (grid_code ~ '^[0-9]{15}$'),
  kind         text NOT NULL CHECK (kind IN ('merit', 'demerit')),
  category     text NOT NULL CHECK (length(category) BETWEEN 1 AND 40),
  points       integer NOT NULL CHECK (points BETWEEN 1 AND 100),
  status       text NOT NULL CHECK (status IN ('declared', 'approved', 'rejected', 'recorded', 'confirmed', 'dismissed')),
  note         text CHECK (length(note) <= 500),
  occurred_on  date NOT NULL,
  created_by   bigint,          -- the user who entered it (NULL: declared by the resident on paper, entered in bulk)
  reviewed_by  bigint,
  reviewed_at  timestamptz,
  review_note  text CHECK (length(review_note) <= 500),
  version      integer NOT NULL DEFAULT 1,
  synthetic    boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'merit' AND status IN ('declared', 'approved', 'rejected')) OR (kind = 'demerit' AND status IN ('recorded', 'confirmed', 'dismissed')))
);
CREATE INDEX credit_entries_household ON credit_entries (household_id);
CREATE INDEX credit_entries_grid ON credit_entries (grid_code, status);
