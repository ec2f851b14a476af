package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** Issue 14 #7: room codes could be guessed at 766 lookups a second. Now misses lock an address out. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:lookups;DB_CLOSE_DELAY=-1",
        "cowscope.rooms.lookup.max-misses=3",
        "cowscope.rooms.lookup.lockout=1h",
        "cowscope.rooms.lookup.rate-limit.lookups=20",
        "cowscope.rooms.lookup.rate-limit.per=1h"})
class RoomLookupLimitTests {
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private HttpResponse<String> find(String code) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rooms/" + code)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void guessingCodesLocksTheAddressOut() throws Exception {
        Rooms.Created room = FollowTests.createRoom(http, json, port);
        assertThat(find(room.code()).statusCode()).isEqualTo(200);
        for (String guess : new String[] {"ZZZZZZ", "ZZZZZY", "ZZZZZX"}) {
            assertThat(find(guess).statusCode()).isEqualTo(404);
        }
        HttpResponse<String> locked = find("ZZZZZW");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(locked.body()).get("limit").stringValue()).contains("cowscope.rooms.lookup.max-misses");
        // locked out: even the right code is refused until misses come back
        assertThat(find(room.code()).statusCode()).isEqualTo(429);
    }
}
