package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Class votes at the STOMP level (issue 13), for the in-memory broker ({@link ClassVoteTests}) and the
 * RabbitMQ relay with two instances ({@link RabbitRelayTests}): the presenter on {@code presenterPort},
 * followers on {@code followerPort}, and a reconnect on {@code otherPort}.
 */
final class ClassVoteContract {
    private ClassVoteContract() {}

    static final String TOKEN_A = "follower-a-0123456789abcdef";
    static final String TOKEN_B = "follower-b-0123456789abcdef";

    static Map<String, Object> open(String id) {
        return Map.of("id", id, "prompt", "Copy or reuse?", "options", List.of("copy", "reuse", "none"), "form", "choice", "state", "open");
    }

    static Map<String, Object> vote(String poll, String choice, String token) {
        return Map.of("poll", poll, "choice", choice, "token", token);
    }

    /** Subscribes to the room's question topic and then asks for the question open now. */
    static JsonNode join(StompTestClient client, String room, List<BlockingQueue<JsonNode>> topic) throws InterruptedException {
        topic.add(client.subscribe(RoomMessages.TOPIC + room + ".poll"));
        Thread.sleep(300);
        return StompTestClient.next(client.subscribe("/app/rooms/" + room + "/poll")).get("poll");
    }

    static void run(HttpClient http, JsonMapper json, int presenterPort, int followerPort, int otherPort) throws Exception {
        Rooms.Created room = FollowTests.createRoom(http, json, presenterPort);
        String r = room.room();
        try (StompTestClient presenter = StompTestClient.connect(presenterPort);
                StompTestClient a = StompTestClient.connect(followerPort);
                StompTestClient b = StompTestClient.connect(followerPort)) {
            BlockingQueue<JsonNode> votes = presenter.subscribe(RoomMessages.TOPIC + r + ".votes");
            List<BlockingQueue<JsonNode>> topics = new java.util.ArrayList<>();
            assertThat(join(a, r, topics).isNull()).as("no question asked yet").isTrue();

            presenter.send("/app/rooms/" + r + "/poll", room.presenterKey(), open("5.7:0:4"));
            JsonNode asked = StompTestClient.next(topics.get(0));
            assertThat(asked.get("id").stringValue()).isEqualTo("5.7:0:4");
            assertThat(asked.get("state").stringValue()).isEqualTo("open");

            // a follower who joins while the question is open sees it
            JsonNode late = join(b, r, topics);
            assertThat(late.get("id").stringValue()).isEqualTo("5.7:0:4");
            assertThat(late.get("options").size()).isEqualTo(3);

            a.send("/app/rooms/" + r + "/vote", null, vote("5.7:0:4", "reuse", TOKEN_A));
            b.send("/app/rooms/" + r + "/vote", null, vote("5.7:0:4", "copy", TOKEN_B));
            JsonNode first = StompTestClient.next(votes);
            JsonNode second = StompTestClient.next(votes);
            assertThat(List.of(first.get("choice").stringValue(), second.get("choice").stringValue())).containsExactlyInAnyOrder("reuse", "copy");
            assertThat(first.get("voter").stringValue()).isNotEqualTo(second.get("voter").stringValue());
            String voterA = (first.get("choice").stringValue().equals("reuse") ? first : second).get("voter").stringValue();
            // anonymous: neither the token nor the session id reaches the presenter
            assertThat(first.toString()).doesNotContain(TOKEN_A).doesNotContain(TOKEN_B).doesNotContain(a.session.getSessionId());

            // once per connection
            a.send("/app/rooms/" + r + "/vote", null, vote("5.7:0:4", "copy", TOKEN_A));
            assertThat(StompTestClient.next(a.errors).get("error").stringValue()).isEqualTo("already-voted");
            assertThat(votes.poll(1, TimeUnit.SECONDS)).isNull();

            // follower A reconnects (same token, new connection) where it was connected: refused
            a.close();
            try (StompTestClient again = StompTestClient.connect(followerPort)) {
                again.send("/app/rooms/" + r + "/vote", null, vote("5.7:0:4", "copy", TOKEN_A));
                assertThat(StompTestClient.next(again.errors).get("error").stringValue()).isEqualTo("already-voted");
                assertThat(votes.poll(1, TimeUnit.SECONDS)).isNull();
            }
            // and on another instance (the relay's second one; the same one in memory): either refused
            // there, or broadcast with the same voter, which the presenter's page counts once
            try (StompTestClient elsewhere = StompTestClient.connect(otherPort)) {
                elsewhere.send("/app/rooms/" + r + "/vote", null, vote("5.7:0:4", "copy", TOKEN_A));
                JsonNode again = votes.poll(3, TimeUnit.SECONDS);
                if (again == null) {
                    assertThat(StompTestClient.next(elsewhere.errors).get("error").stringValue()).isEqualTo("already-voted");
                } else {
                    assertThat(again.get("voter").stringValue()).isEqualTo(voterA);
                }
            }

            // a vote without a follower token is refused, naming the field
            b.send("/app/rooms/" + r + "/vote", null, Map.of("poll", "5.7:0:4", "choice", "copy"));
            JsonNode refused = StompTestClient.next(b.errors);
            assertThat(refused.get("field").stringValue()).isEqualTo("token");

            // the reveal replaces the open question for late joiners too
            presenter.send("/app/rooms/" + r + "/poll", room.presenterKey(), Map.of("id", "5.7:0:4", "prompt", "Copy or reuse?",
                    "options", List.of("copy", "reuse", "none"), "form", "choice", "state", "revealed", "correct", List.of("reuse"),
                    "counts", Map.of("reuse", 1, "copy", 1)));
            assertThat(StompTestClient.next(topics.get(1)).get("state").stringValue()).isEqualTo("revealed");
            try (StompTestClient later = StompTestClient.connect(followerPort)) {
                JsonNode shown = join(later, r, new java.util.ArrayList<>());
                assertThat(shown.get("state").stringValue()).isEqualTo("revealed");
                assertThat(shown.get("counts").get("reuse").intValue()).isEqualTo(1);
            }
            // only the presenter asks
            b.send("/app/rooms/" + r + "/poll", "not-the-key", open("x"));
            assertThat(StompTestClient.next(b.errors).get("error").stringValue()).isEqualTo("forbidden");
            assertThat(presenter.failures).isEmpty();
            assertThat(b.failures).isEmpty();
        }
    }
}
