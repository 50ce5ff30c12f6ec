-- Whistle cases (街居吹哨、部门报到): service levels per kind, the departments a whistle can go to,
-- and indexes for the case list filters. The workflow itself is server/cases/workflow.ts.

CREATE TABLE case_sla (
  kind           text PRIMARY KEY CHECK (kind IN ('quick', 'emergency', 'tackle_hard')),
  accept_hours   double precision NOT NULL CHECK (accept_hours > 0),
  feedback_hours double precision NOT NULL CHECK (feedback_hours > 0)
);
-- deadlines from the whistle to feedback: quick 3 days, emergency 1 day, tackle-hard 30 days;
-- departments report in (accept) within 24 h (emergency 2 h)
INSERT INTO case_sla (kind, accept_hours, feedback_hours) VALUES
  ('quick', 24, 72),
  ('emergency', 2, 24),
  ('tackle_hard', 24, 720);

CREATE TABLE case_departments (
  name       text PRIMARY KEY,
  sort_order integer NOT NULL DEFAULT 0
);
INSERT INTO case_departments (name, sort_order) VALUES
  ('城管局', 1), ('住建局', 2), ('公安分局', 3), ('市场监管局', 4), ('生态环境分局', 5), ('应急管理局', 6),
  ('消防救援大队', 7), ('民政局', 8), ('司法局', 9), ('供电公司', 10), ('自来水公司', 11);

CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_reported_at ON cases (reported_at);
CREATE INDEX cases_department ON cases (department);
CREATE INDEX cases_subdistrict ON cases (subdistrict_id);
CREATE INDEX cases_incident ON cases (incident_id);

-- ids of matters reported through the API ('k' + number; the demo uses k00001..k0NNNN)
CREATE SEQUENCE case_id_seq START 100001;
