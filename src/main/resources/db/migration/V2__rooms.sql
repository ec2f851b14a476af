-- Present/follow rooms (docs/share.md). Kept in the database rather than in memory so that, with
-- the RabbitMQ relay, every server instance finds a room by its code and serves its last state.
CREATE TABLE room (
    id                 VARCHAR(26)   NOT NULL PRIMARY KEY,
    code               VARCHAR(6)    NOT NULL UNIQUE,
    presenter_key_hash VARCHAR(64)   NOT NULL,
    seq                BIGINT        NOT NULL,
    last_state         VARCHAR(4096),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX room_updated_at ON room (updated_at);
