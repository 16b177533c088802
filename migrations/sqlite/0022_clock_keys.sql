-- The daily light run reads open clocks by their due and warning dates in pages by key
-- (date, id), so that its memory does not grow with the region. The indexes of
-- migrations 0011, 0014 and 0019 give the dates alone; these give the key's order.
DROP INDEX applications_open_warn;
DROP INDEX applications_open_due;
DROP INDEX pending_items_open_warn;
DROP INDEX pending_items_open_due;
DROP INDEX hotline_orders_open_warn;
DROP INDEX hotline_orders_open_due;
CREATE INDEX applications_open_warn ON applications(warn_on, id) WHERE closed_at IS NULL;
CREATE INDEX applications_open_due ON applications(due_on, id) WHERE closed_at IS NULL;
CREATE INDEX pending_items_open_warn ON pending_items(warn_on, id) WHERE status = 'pending';
CREATE INDEX pending_items_open_due ON pending_items(due_on, id) WHERE status = 'pending';
CREATE INDEX hotline_orders_open_warn ON hotline_orders(warn_on, id) WHERE state <> 'closed';
CREATE INDEX hotline_orders_open_due ON hotline_orders(due_on, id) WHERE state <> 'closed';
