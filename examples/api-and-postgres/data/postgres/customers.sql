-- Seed for a local PostgreSQL (tests marked `jdbc`): COPY data/postgres/customers.csv into it.
CREATE TABLE IF NOT EXISTS public.customers (
  customer_id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT,
  currency TEXT NOT NULL,
  balance NUMERIC(12, 2) NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
