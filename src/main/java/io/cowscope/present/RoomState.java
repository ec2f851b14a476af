package io.cowscope.present;

import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a presenter publishes and followers follow: {@code {step, kernel, compare?, link?, hash?,
 * kernelStep?}}. {@code link} is a short-link id, {@code hash} the content hash of a scenario the
 * followers already have (a full-state link); at least one says which scenario. Checked here and
 * re-serialised with these fields only, so nothing else a client sends reaches the other followers.
 */
final class RoomState {
    private static final Pattern KERNEL = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,31}");
    private static final Pattern LINK = Pattern.compile("[a-z2-7]{6,52}");
    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{6,128}");
    private static final List<String> FIELDS = List.of("step", "kernelStep", "kernel", "compare", "link", "hash");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RoomState() {}

    /** The canonical JSON of a valid state; throws RoomException naming the first bad field. */
    static String check(JsonNode state) {
        if (state == null || !state.isObject()) {
            throw RoomException.invalid("state", "the state must be a JSON object");
        }
        for (String name : state.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw RoomException.invalid(name, "unknown field '" + name + "'; expected " + String.join(", ", FIELDS));
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("step", integer(state, "step", true));
        if (state.hasNonNull("kernelStep")) out.put("kernelStep", integer(state, "kernelStep", false));
        out.put("kernel", string(state, "kernel", KERNEL, true));
        String compare = string(state, "compare", KERNEL, false);
        if (compare != null) out.put("compare", compare);
        String link = string(state, "link", LINK, false);
        String hash = string(state, "hash", HASH, false);
        if (link == null && hash == null) {
            throw RoomException.invalid("link", "the state needs link (a short-link id) or hash (of the scenario)");
        }
        if (link != null) out.put("link", link);
        if (hash != null) out.put("hash", hash);
        return JSON.writeValueAsString(out);
    }

    private static int integer(JsonNode state, String field, boolean required) {
        JsonNode node = state.get(field);
        if (node == null || node.isNull()) {
            if (required) throw RoomException.invalid(field, field + " is required");
            return -1;
        }
        int min = field.equals("kernelStep") ? -1 : 0;
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > 1_000_000) {
            throw RoomException.invalid(field, field + " must be an integer from " + min + " to 1000000");
        }
        return node.intValue();
    }

    private static String string(JsonNode state, String field, Pattern pattern, boolean required) {
        JsonNode node = state.get(field);
        if (node == null || node.isNull()) {
            if (required) throw RoomException.invalid(field, field + " is required");
            return null;
        }
        if (!node.isString() || !pattern.matcher(node.stringValue()).matches()) {
            throw RoomException.invalid(field, field + " is not valid");
        }
        return node.stringValue();
    }
}
