package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Follow mode with the default in-memory broker: a real server, STOMP clients over WebSocket. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:follow;DB_CLOSE_DELAY=-1")
class FollowTests {
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    static Rooms.Created createRoom(HttpClient http, JsonMapper json, int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode room = json.readTree(response.body());
        return new Rooms.Created(room.get("room").stringValue(), room.get("code").stringValue(), room.get("presenterKey").stringValue());
    }

    @Test
    void followersGetTheLastStateOnJoinAndEveryUpdate() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient presenter = StompTestClient.connect(port);
                StompTestClient early = StompTestClient.connect(port);
                StompTestClient late = StompTestClient.connect(port)) {
            StompTestClient.Follower first = early.follow(room.room());
            assertThat(first.joined().get("seq").longValue()).isZero();
            assertThat(first.joined().get("state").isNull()).isTrue();

            presenter.publish(room.room(), room.presenterKey(), Map.of("step", 3, "kernel", "5.7", "compare", "6.18", "link", "abcdef"));
            JsonNode update = StompTestClient.next(first.updates());
            assertThat(update.get("room").stringValue()).isEqualTo(room.room());
            assertThat(update.get("seq").longValue()).isEqualTo(1);
            assertThat(update.get("state")).isEqualTo(json.readTree("{\"step\":3,\"kernel\":\"5.7\",\"compare\":\"6.18\",\"link\":\"abcdef\"}"));

            // a follower who joins later gets that state straight away
            StompTestClient.Follower second = late.follow(room.room());
            assertThat(second.joined().get("seq").longValue()).isEqualTo(1);
            assertThat(second.joined().get("state").get("step").intValue()).isEqualTo(3);

            presenter.publish(room.room(), room.presenterKey(), Map.of("step", 4, "kernel", "5.7", "link", "abcdef"));
            assertThat(StompTestClient.next(first.updates()).get("seq").longValue()).isEqualTo(2);
            assertThat(StompTestClient.next(second.updates()).get("state").get("step").intValue()).isEqualTo(4);
        }
    }

    @Test
    void followersAreToldWhenThePresenterLeavesAndFollowAgainWhenItComesBack() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient watcher = StompTestClient.connect(port)) {
            StompTestClient.Follower following = watcher.follow(room.room());
            StompTestClient impostor = StompTestClient.connect(port);
            impostor.publish(room.room(), "not-the-key", Map.of("step", 1, "kernel", "6.18", "link", "abcdef"));
            StompTestClient.next(impostor.errors);
            impostor.close(); // a refused publisher is not the presenter: nobody is told

            StompTestClient presenter = StompTestClient.connect(port);
            presenter.publish(room.room(), room.presenterKey(), Map.of("step", 2, "kernel", "6.18", "link", "abcdef"));
            assertThat(StompTestClient.next(following.updates()).get("seq").longValue()).isEqualTo(1);
            presenter.close();
            JsonNode left = StompTestClient.next(following.updates());
            assertThat(left.get("room").stringValue()).isEqualTo(room.room());
            assertThat(left.get("presenter").stringValue()).isEqualTo("left");
            assertThat(left.has("seq")).isFalse();

            // the presenter reloads: a new connection publishes, followers follow again
            try (StompTestClient back = StompTestClient.connect(port)) {
                back.publish(room.room(), room.presenterKey(), Map.of("step", 3, "kernel", "6.18", "link", "abcdef"));
                JsonNode update = StompTestClient.next(following.updates());
                assertThat(update.get("seq").longValue()).isEqualTo(2);
            }
        }
    }

    @Test
    void followersCannotPublishAndBadStatesAreRefusedToTheSenderOnly() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient follower = StompTestClient.connect(port); StompTestClient watcher = StompTestClient.connect(port)) {
            StompTestClient.Follower watching = watcher.follow(room.room());

            follower.publish(room.room(), "not-the-key", Map.of("step", 1, "kernel", "6.18", "link", "abcdef"));
            JsonNode refused = StompTestClient.next(follower.errors);
            assertThat(refused.get("error").stringValue()).isEqualTo("forbidden");
            assertThat(refused.get("field").stringValue()).isEqualTo("presenter-key");

            follower.publish(room.room(), room.presenterKey(), Map.of("step", -1, "kernel", "6.18", "link", "abcdef"));
            assertThat(StompTestClient.next(follower.errors).get("field").stringValue()).isEqualTo("step");
            follower.publish(room.room(), room.presenterKey(), Map.of("step", 1, "kernel", "6.18", "script", "<x>"));
            assertThat(StompTestClient.next(follower.errors).get("field").stringValue()).isEqualTo("script");

            assertThat(watching.updates().poll(1, TimeUnit.SECONDS)).as("nothing reached the room").isNull();
            assertThat(watcher.errors.poll(100, TimeUnit.MILLISECONDS)).as("errors go to the sender only").isNull();
        }
    }

    @Test
    void clientsCannotSendStraightToARoomsTopic() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient watcher = StompTestClient.connect(port); StompTestClient forger = StompTestClient.connect(port)) {
            StompTestClient.Follower watching = watcher.follow(room.room());
            org.springframework.messaging.simp.stomp.StompHeaders headers = new org.springframework.messaging.simp.stomp.StompHeaders();
            headers.setDestination(RoomMessages.TOPIC + room.room());
            forger.session.send(headers, Map.of("room", room.room(), "seq", 99, "state", Map.of("step", 666)));
            // nor subscribe to anything but rooms and their own errors
            BlockingQueue<JsonNode> snooping = forger.subscribe("/topic/errors-user" + "x");
            assertThat(watching.updates().poll(1, TimeUnit.SECONDS)).as("the forged state was dropped").isNull();
            assertThat(snooping.poll(100, TimeUnit.MILLISECONDS)).isNull();
            // the forger's connection still works for what it may do
            assertThat(forger.follow(room.room()).joined().get("seq").longValue()).isZero();
            assertThat(forger.failures).isEmpty();
        }
    }

    /**
     * Issue 14 #1: a client's own MESSAGE frame (a server frame) to a room's topic went straight
     * to every follower, and its huge seq made them ignore the presenter from then on.
     */
    @Test
    void clientMessageFramesNeverReachFollowers() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient watcher = StompTestClient.connect(port); StompTestClient presenter = StompTestClient.connect(port);
                RawStomp forger = RawStomp.connect(port)) {
            StompTestClient.Follower watching = watcher.follow(room.room());
            for (String command : java.util.List.of("MESSAGE", "ERROR", "RECEIPT", "CONNECTED")) {
                forger.send(command + "\ndestination:" + RoomMessages.TOPIC + room.room() + "\nsubscription:0\nmessage-id:x-1\n"
                        + "content-type:application/json\n\n{\"room\":\"" + room.room() + "\",\"seq\":999999999,\"state\":"
                        + "{\"step\":666,\"kernel\":\"5.7\",\"link\":\"abcdef\"}}");
            }
            assertThat(watching.updates().poll(1, TimeUnit.SECONDS)).as("the forged MESSAGE was dropped").isNull();
            presenter.publish(room.room(), room.presenterKey(), Map.of("step", 2, "kernel", "5.7", "link", "abcdef"));
            JsonNode update = StompTestClient.next(watching.updates());
            assertThat(update.get("seq").longValue()).as("seq is the server's").isEqualTo(1);
            assertThat(update.get("state").get("step").intValue()).isEqualTo(2);
            assertThat(watcher.failures).isEmpty();
        }
    }

    /**
     * Issue 14 #4: each publish was one database write and one broadcast (60,000 in 1.6 s grew the
     * H2 file by 900 MB). Now a burst is coalesced: a few writes, and followers end at the last state.
     */
    @Test
    void aBurstOfPublishesIsCoalescedAndFollowersEndAtTheLastState() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        try (StompTestClient watcher = StompTestClient.connect(port); StompTestClient presenter = StompTestClient.connect(port)) {
            StompTestClient.Follower watching = watcher.follow(room.room());
            int n = 40;
            for (int step = 1; step <= n; step++) {
                presenter.publish(room.room(), room.presenterKey(), Map.of("step", step, "kernel", "5.7", "link", "abcdef"));
            }
            java.util.List<JsonNode> updates = new java.util.ArrayList<>();
            JsonNode update;
            while ((update = watching.updates().poll(3, TimeUnit.SECONDS)) != null) {
                updates.add(update);
            }
            assertThat(updates).isNotEmpty();
            JsonNode last = updates.get(updates.size() - 1);
            assertThat(last.get("state").get("step").intValue()).as("followers end at the presenter's last state").isEqualTo(n);
            assertThat(updates.size()).as("updates broadcast for %d publishes", n).isLessThan(n / 2);
            assertThat(last.get("seq").longValue()).as("database writes for %d publishes", n).isLessThan(n / 2);
            assertThat(presenter.failures).isEmpty();
        }
    }

    /** STOMP frames written by hand over a JDK WebSocket, for frames Spring's client never sends. */
    static final class RawStomp implements AutoCloseable {
        final java.net.http.WebSocket socket;
        final BlockingQueue<String> frames = new java.util.concurrent.LinkedBlockingQueue<>();

        private RawStomp(java.net.http.WebSocket socket) {
            this.socket = socket;
        }

        static RawStomp connect(int port) throws Exception {
            BlockingQueue<String> frames = new java.util.concurrent.LinkedBlockingQueue<>();
            StringBuilder partial = new StringBuilder();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v12.stomp")
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + BrokerConfig.ENDPOINT), new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                frames.add(partial.toString());
                                partial.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(15, TimeUnit.SECONDS);
            RawStomp stomp = new RawStomp(ws);
            stomp.frames.addAll(frames);
            ws.sendText("CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n\0", true).get(15, TimeUnit.SECONDS);
            String connected = frames.poll(15, TimeUnit.SECONDS);
            assertThat(connected).startsWith("CONNECTED");
            return stomp;
        }

        void send(String frame) throws Exception {
            socket.sendText(frame + "\0", true).get(15, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    @Test
    void theStompEndpointRefusesForeignOrigins() throws Exception {
        assertThat(upgradeStatus("https://evil.example")).isEqualTo(403);
        assertThat(upgradeStatus("http://localhost:" + port)).isEqualTo(101);
    }

    /** A WebSocket upgrade of /stomp by hand, returning the HTTP status. */
    private int upgradeStatus(String origin) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + BrokerConfig.ENDPOINT + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: v12.stomp\r\nOrigin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void roomsAreFoundByTheirCodeInAnyCase() throws Exception {
        Rooms.Created room = createRoom(http, json, port);
        HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms/"
                + room.code().toLowerCase())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json.readTree(found.body()).get("room").stringValue()).isEqualTo(room.room());
        assertThat(found.body()).doesNotContain(room.presenterKey());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms/ZZZZZZ")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
