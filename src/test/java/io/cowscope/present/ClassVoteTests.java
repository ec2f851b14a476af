package io.cowscope.present;

import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/** Class votes with the in-memory broker (the relay: RabbitRelayTests): see {@link ClassVoteContract}. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:classvote;DB_CLOSE_DELAY=-1")
class ClassVoteTests {
    @LocalServerPort
    int port;

    @Test
    void lateJoinersSeeTheOpenQuestionAndAFollowerVotesOnceAcrossReconnects() throws Exception {
        ClassVoteContract.run(HttpClient.newHttpClient(), JsonMapper.builder().build(), port, port, port);
    }
}
