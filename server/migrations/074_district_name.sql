-- The district (区/县) a sub-district belongs to, by name: stored at a boundary import (property
-- `district` / `区县` / `county`), read by /api/meta for the app's title. The demo district is
-- Yingjiang (迎江区); its sub-districts are the synthetic ones of adcode 340802.
ALTER TABLE subdistricts ADD COLUMN district_name text;
UPDATE subdistricts SET district_name = '迎江区' WHERE synthetic AND id LIKE '340802%';
