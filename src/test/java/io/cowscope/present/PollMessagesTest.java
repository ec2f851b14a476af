package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The poll a presenter sends is checked field by field and re-serialised with known fields only. */
class PollMessagesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    @Test
    void anOpenPollKeepsOnlyItsFields() {
        Map<String, Object> p = PollMessages.checkPoll(json("{\"id\":\"5.7:0:5\",\"prompt\":\"Copy or reuse?\",\"options\":[\"copy\",\"reuse\",\"none\"],\"form\":\"choice\",\"state\":\"open\"}"));
        assertThat(p).containsOnlyKeys("id", "prompt", "options", "form", "state");
        Map<String, Object> r = PollMessages.checkPoll(json("{\"id\":\"a\",\"prompt\":\"?\",\"options\":[],\"form\":\"number\",\"state\":\"revealed\",\"correct\":[\"1025\"],\"shown\":\"1025\",\"counts\":{\"2\":1,\"1025\":3}}"));
        assertThat(r.get("counts")).isEqualTo(Map.of("2", 1, "1025", 3));
    }

    @Test
    void badPollsNameTheField() {
        assertThatThrownBy(() -> PollMessages.checkPoll(json("{\"id\":\"a b\",\"prompt\":\"?\",\"options\":[],\"form\":\"choice\",\"state\":\"open\"}")))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.field).isEqualTo("id"));
        assertThatThrownBy(() -> PollMessages.checkPoll(json("{\"id\":\"a\",\"prompt\":\"?\",\"options\":[],\"form\":\"choice\",\"state\":\"open\",\"html\":\"<b>\"}")))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.field).isEqualTo("html"));
        assertThatThrownBy(() -> PollMessages.checkPoll(json("{\"id\":\"a\",\"prompt\":\"?\",\"options\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"],\"form\":\"choice\",\"state\":\"open\"}")))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.field).isEqualTo("options"));
        assertThatThrownBy(() -> PollMessages.checkPoll(json("{\"id\":\"a\",\"prompt\":\"?\",\"options\":[],\"form\":\"choice\",\"state\":\"revealed\",\"counts\":{\"x\":-1}}")))
                .isInstanceOfSatisfying(RoomException.class, e -> assertThat(e.field).isEqualTo("counts"));
    }
}
