-- Speed layer for the lambda merge: the API's KPIs and time series add the stream's events for the
-- time the batch layer (gold) does not cover yet, with the same definitions as gold.fact_sales, so
-- each event keeps its units and customer, not only revenue and invoice.
ALTER TABLE stream.window_events ADD COLUMN IF NOT EXISTS quantity DECIMAL(18, 4);
ALTER TABLE stream.window_events ADD COLUMN IF NOT EXISTS customer_key BIGINT;  -- as gold: -1 for a guest
