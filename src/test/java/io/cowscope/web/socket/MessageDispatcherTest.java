package io.cowscope.web.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowscope.engine.EngineInfo;
import io.cowscope.system.AppVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MessageDispatcherTest {
    private final JsonMapper json = JsonMapper.builder().build();
    private final RecordingPeer peer = new RecordingPeer();

    private MessageDispatcher dispatcher(MessageHandler... extra) {
        List<MessageHandler> handlers = new ArrayList<>(List.of(new HelloHandler()));
        handlers.addAll(List.of(extra));
        return new MessageDispatcher(json, handlers);
    }

    /** the single message the peer got, as JSON */
    private JsonNode reply() {
        assertThat(peer.sent).hasSize(1);
        return json.valueToTree(peer.sent.get(0));
    }

    @Test
    void helloIsAnsweredWithServerAndEngineVersions() {
        dispatcher().dispatch("{\"type\":\"hello\",\"v\":1}", peer);
        assertThat(json.writeValueAsString(peer.sent.get(0))).isEqualTo(
                "{\"type\":\"hello\",\"v\":1,\"server\":\"" + AppVersion.serverName() + "\",\"engine\":\""
                        + EngineInfo.VERSION + "\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{not json                  | malformed",
        "''                         | malformed",
        "[1,2,3]                    | malformed",
        "42                         | malformed",
        "{\"v\":1}                  | malformed",
        "{\"type\":7}               | malformed",
        "{\"type\":\"teleport\"}    | unknown-type",
        "{\"type\":\"hello\"}       | malformed",
        "{\"type\":\"hello\",\"v\":\"1\"} | malformed",
        "{\"type\":\"hello\",\"v\":2} | unsupported-version",
    })
    void badMessagesGetAnErrorWithAStableCode(String text, String code) {
        dispatcher().dispatch(text, peer);
        JsonNode reply = reply();
        assertThat(reply.get("type").stringValue()).isEqualTo("error");
        assertThat(reply.get("code").stringValue()).isEqualTo(code);
        assertThat(reply.get("message").stringValue()).isNotBlank();
    }

    @Test
    void unknownTypeNamesTheKnownOnes() {
        dispatcher().dispatch("{\"type\":\"teleport\"}", peer);
        assertThat(reply().get("message").stringValue()).contains("teleport", "hello");
    }

    @Test
    void aFailingHandlerBecomesAnInternalErrorAndTheNextMessageStillWorks() {
        MessageDispatcher dispatcher = dispatcher(handler("boom", (message, p) -> {
            throw new IllegalStateException("bug");
        }));
        // the deliberate failure is logged with its stack trace: capture it instead of printing it into the build log
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MessageDispatcher.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        boolean additive = logger.isAdditive();
        logger.setAdditive(false);
        try {
            dispatcher.dispatch("{\"type\":\"boom\"}", peer);
        } finally {
            logger.setAdditive(additive);
            logger.detachAppender(logged);
        }
        assertThat(logged.list).hasSize(1);
        assertThat(logged.list.get(0).getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        assertThat(logged.list.get(0).getFormattedMessage()).contains("'boom'");
        assertThat(logged.list.get(0).getThrowableProxy().getMessage()).isEqualTo("bug");
        assertThat(reply().get("code").stringValue()).isEqualTo("internal");
        dispatcher.dispatch("{\"type\":\"hello\",\"v\":1}", peer);
        assertThat(peer.sent).hasSize(2);
    }

    @Test
    void handlersAreFoundByType() {
        MessageDispatcher dispatcher = dispatcher(handler("echo", (message, p) -> p.send(Map.of("echo", message.get("x").intValue()))));
        assertThat(dispatcher.types()).containsExactly("echo", "hello");
        dispatcher.dispatch("{\"type\":\"echo\",\"x\":3}", peer);
        assertThat(peer.sent).containsExactly(Map.of("echo", 3));
    }

    @Test
    void twoHandlersForOneTypeAreAMistake() {
        assertThatThrownBy(() -> dispatcher(handler("hello", (m, p) -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two handlers for message type 'hello'");
    }

    private static MessageHandler handler(String type, java.util.function.BiConsumer<JsonNode, Peer> body) {
        return new MessageHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public void handle(JsonNode message, Peer peer) {
                body.accept(message, peer);
            }
        };
    }

    private static final class RecordingPeer implements Peer {
        final List<Object> sent = new ArrayList<>();
        final Map<String, Object> attributes = new HashMap<>();

        @Override
        public String id() {
            return "test";
        }

        @Override
        public void send(Object message) {
            sent.add(message);
        }

        @Override
        public Map<String, Object> attributes() {
            return attributes;
        }
    }
}
