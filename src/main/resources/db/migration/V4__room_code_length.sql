-- Issue 14: new room codes are 8 characters (31^8 codes, docs/operations.md's guess budget); codes
-- of rooms opened before (6 characters) keep working. The same statement for H2 and PostgreSQL.
ALTER TABLE room ALTER COLUMN code SET DATA TYPE VARCHAR(8);
