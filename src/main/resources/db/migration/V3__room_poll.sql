-- Class votes (issue 13, docs/teach.md): the presenter's latest question (open or revealed) per
-- room, so that a follower who joins while a question is open sees it -- on any server instance
-- behind the RabbitMQ relay, as the last state is.
ALTER TABLE room ADD COLUMN last_poll VARCHAR(16384);
