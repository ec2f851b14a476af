-- Short links (docs/share.md). Portable SQL: the same file runs on H2 and PostgreSQL.
-- id is the shortest unused prefix (at least 6 characters) of hash, the SHA-256 of the link's
-- canonical JSON in lower-case base32; the unique hash makes the same content one row.
CREATE TABLE share_link (
    id             VARCHAR(52)    NOT NULL PRIMARY KEY,
    hash           VARCHAR(52)    NOT NULL UNIQUE,
    scenario_text  VARCHAR(65536) NOT NULL,
    kernel         VARCHAR(32)    NOT NULL,
    compare_kernel VARCHAR(32),
    step           INTEGER,
    view_state     VARCHAR(4096),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
