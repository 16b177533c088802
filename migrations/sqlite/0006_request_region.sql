-- Every business row carries region_code: the idempotency tokens of workflow steps too.
ALTER TABLE application_requests ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
UPDATE application_requests
   SET region_code = (SELECT a.region_code FROM applications a WHERE a.id = application_requests.application_id);
