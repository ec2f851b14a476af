package io.cowscope.session.web;

import io.cowscope.session.SessionException;
import io.cowscope.web.socket.Messages;
import tools.jackson.databind.JsonNode;

/** Reading request fields: a missing or mistyped field is {@code malformed} and names the field. */
final class Requests {
    private Requests() {
    }

    /** requests carry {@code "v":1}; absent means 1 */
    static void version(JsonNode m) {
        JsonNode v = m.get("v");
        if (v != null && !(v.isInt() && v.intValue() == Messages.PROTOCOL_VERSION)) {
            throw new SessionException(Messages.UNSUPPORTED_VERSION, "this server speaks protocol version "
                    + Messages.PROTOCOL_VERSION + ", not " + v);
        }
    }

    static Object id(JsonNode m) {
        JsonNode id = m.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.isString()) {
            return id.stringValue();
        }
        if (id.isNumber()) {
            return id.numberValue();
        }
        return null;
    }

    static String string(JsonNode m, String field) {
        String s = optionalString(m, field);
        if (s == null) {
            throw malformed(m, field, "a string");
        }
        return s;
    }

    static String optionalString(JsonNode m, String field) {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw malformed(m, field, "a string");
        }
        return n.stringValue();
    }

    static int integer(JsonNode m, String field) {
        Integer i = optionalInteger(m, field);
        if (i == null) {
            throw malformed(m, field, "an integer");
        }
        return i;
    }

    static Integer optionalInteger(JsonNode m, String field) {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isInt()) {
            throw malformed(m, field, "an integer");
        }
        return n.intValue();
    }

    static Boolean optionalBoolean(JsonNode m, String field) {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw malformed(m, field, "true or false");
        }
        return n.booleanValue();
    }

    static JsonNode object(JsonNode m, String field) {
        JsonNode n = m.get(field);
        if (n == null || !n.isObject()) {
            throw malformed(m, field, "an object");
        }
        return n;
    }

    /** "forward" → +1, "back" → -1 */
    static int direction(JsonNode m) {
        String dir = string(m, "dir");
        return switch (dir) {
            case "forward" -> 1;
            case "back", "backward" -> -1;
            default -> throw new SessionException(SessionException.INVALID,
                    "dir is \"forward\" or \"back\", not \"" + dir + "\"");
        };
    }

    private static SessionException malformed(JsonNode m, String field, String what) {
        String type = m.get("type") == null ? "the request" : m.get("type").asString();
        return new SessionException(SessionException.MALFORMED, type + " needs \"" + field + "\" as " + what);
    }
}
