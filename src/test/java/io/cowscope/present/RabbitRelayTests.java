package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.CowscopeApplication;
import io.cowscope.share.ExternalServices;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.broker.BrokerAvailabilityEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two server instances with profile {@code rabbitmq}, relaying to a real RabbitMQ's STOMP plugin
 * (COWSCOPE_TEST_STOMP; .ci/run starts one): the presenter is connected to instance A, the
 * follower to instance B, and the follower gets what the presenter publishes. The instances share
 * one database, as they would share PostgreSQL in production (an in-memory H2 here, one per JVM).
 */
@ExtendWith(ExternalServices.NeedsRabbitMq.class)
class RabbitRelayTests {
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void startTwoInstances() throws Exception {
        a = start("a");
        b = start("b");
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private static ConfigurableApplicationContext start(String name) throws InterruptedException {
        String[] stomp = ExternalServices.stomp();
        CountDownLatch relayUp = new CountDownLatch(1);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CowscopeApplication.class)
                .profiles("rabbitmq")
                .listeners((ApplicationListener<BrokerAvailabilityEvent>) event -> {
                    if (event.isBrokerAvailable()) relayUp.countDown();
                })
                // command-line arguments, which win over application.properties (.properties() would not)
                .run("--server.port=0", "--server.address=127.0.0.1",
                        "--spring.datasource.url=jdbc:h2:mem:relay;DB_CLOSE_DELAY=-1",
                        "--cowscope.broker.host=" + stomp[0], "--cowscope.broker.port=" + stomp[1],
                        "--spring.application.name=cowscope-" + name);
        assertThat(relayUp.await(30, TimeUnit.SECONDS)).as("instance %s connected to RabbitMQ", name).isTrue();
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void aFollowerOnInstanceBGetsWhatThePresenterOnInstanceAPublishes() throws Exception {
        Rooms.Created room = FollowTests.createRoom(http, json, port(a));
        try (StompTestClient presenter = StompTestClient.connect(port(a));
                StompTestClient follower = StompTestClient.connect(port(b))) {
            StompTestClient.Follower following = follower.follow(room.room());
            assertThat(following.joined().get("seq").longValue()).isZero();

            presenter.publish(room.room(), room.presenterKey(), Map.of("step", 5, "kernel", "6.18", "compare", "5.7", "link", "abcdef"));
            JsonNode update = StompTestClient.next(following.updates());
            assertThat(update.get("seq").longValue()).isEqualTo(1);
            assertThat(update.get("state")).isEqualTo(json.readTree("{\"step\":5,\"kernel\":\"6.18\",\"compare\":\"5.7\",\"link\":\"abcdef\"}"));

            // a follower joining on B later gets the last state, which A stored
            try (StompTestClient late = StompTestClient.connect(port(b))) {
                JsonNode joined = late.follow(room.room()).joined();
                assertThat(joined.get("seq").longValue()).isEqualTo(1);
                assertThat(joined.get("state").get("step").intValue()).isEqualTo(5);
            }
            // refusals still reach only the sender, through the relay
            follower.publish(room.room(), "not-the-key", Map.of("step", 1, "kernel", "6.18", "link", "abcdef"));
            assertThat(StompTestClient.next(follower.errors).get("error").stringValue()).isEqualTo("forbidden");
            assertThat(following.updates().poll(1, TimeUnit.SECONDS)).isNull();
            assertThat(presenter.failures).isEmpty();
            assertThat(follower.failures).isEmpty();
        }
    }

    /**
     * Class votes through the relay (issue 13): the presenter on A, followers on B; a follower who
     * joins on B while a question is open sees it (stored by A); votes from B reach the presenter on
     * A; a follower reconnecting votes once (refused on B, the same voter hash from A).
     */
    @Test
    void classVotesThroughTheRelay() throws Exception {
        ClassVoteContract.run(http, json, port(a), port(b), port(a));
    }
}
