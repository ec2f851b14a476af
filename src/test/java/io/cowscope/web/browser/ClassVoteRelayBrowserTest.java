package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.share.ExternalServices;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ClassVoteBrowserTest} with profile {@code rabbitmq}: questions, votes, the late joiner and the
 * reconnect all go through RabbitMQ's STOMP plugin (COWSCOPE_TEST_STOMP; .ci/run starts it; skipped
 * without it, required under CI=true).
 */
@ExtendWith(ExternalServices.NeedsRabbitMq.class)
@ActiveProfiles("rabbitmq")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:classvote-relay-browser;DB_CLOSE_DELAY=-1")
class ClassVoteRelayBrowserTest extends ClassVoteBrowserTest {
    @DynamicPropertySource
    static void relay(DynamicPropertyRegistry registry) {
        registry.add("cowscope.broker.host", () -> ExternalServices.stomp()[0]);
        registry.add("cowscope.broker.port", () -> ExternalServices.stomp()[1]);
    }

    @Autowired
    StompBrokerRelayMessageHandler relay;

    @BeforeEach
    void relayConnected() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!relay.isBrokerAvailable() && System.nanoTime() < until) Thread.sleep(100);
        assertThat(relay.isBrokerAvailable()).as("connected to RabbitMQ's STOMP plugin").isTrue();
    }
}
