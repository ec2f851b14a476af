package io.cowscope.web.socket;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns one incoming text frame into a call of the handler for its {@code type}. Whatever goes
 * wrong becomes an error message to that client; nothing a client sends closes its socket.
 */
@Component
public class MessageDispatcher {
    private static final Logger log = LoggerFactory.getLogger(MessageDispatcher.class);

    private final ObjectMapper json;
    private final Map<String, MessageHandler> handlers = new TreeMap<>();

    private final List<MessageGuard> guards;

    public MessageDispatcher(ObjectMapper json, List<MessageHandler> handlers) {
        this(json, handlers, List.of());
    }

    @org.springframework.beans.factory.annotation.Autowired
    public MessageDispatcher(ObjectMapper json, List<MessageHandler> handlers, List<MessageGuard> guards) {
        this.json = json;
        this.guards = List.copyOf(guards);
        for (MessageHandler handler : handlers) {
            MessageHandler previous = this.handlers.putIfAbsent(handler.type(), handler);
            if (previous != null) {
                throw new IllegalStateException("two handlers for message type '" + handler.type() + "': "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
    }

    /** the message types this server understands */
    public Set<String> types() {
        return Collections.unmodifiableSet(handlers.keySet());
    }

    /** the path of the first string (or field name) holding an unpaired surrogate, or null */
    static String loneSurrogate(JsonNode node, String path) {
        if (node.isString()) {
            return Utf16.firstLoneSurrogate(node.stringValue()) >= 0 ? (path.isEmpty() ? "the message" : path) : null;
        }
        if (node.isObject()) {
            for (java.util.Map.Entry<String, JsonNode> e : node.properties()) {
                String name = e.getKey();
                if (Utf16.firstLoneSurrogate(name) >= 0) {
                    return (path.isEmpty() ? "" : path + ".") + "a field name";
                }
                String found = loneSurrogate(e.getValue(), path.isEmpty() ? "\"" + name + "\"" : path + "." + name);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = loneSurrogate(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    public void dispatch(String text, Peer peer) {
        for (MessageGuard guard : guards) {
            try {
                guard.admit(text, peer);
            } catch (ProtocolException e) {
                peer.send(new Messages.Error(e.code(), e.getMessage()));
                return;
            }
        }
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (JacksonException e) {
            peer.send(new Messages.Error(Messages.MALFORMED, "not a JSON message: " + e.getOriginalMessage()));
            return;
        }
        if (message == null || !message.isObject()) {
            peer.send(new Messages.Error(Messages.MALFORMED, "a message is a JSON object with a \"type\""));
            return;
        }
        String unpaired = loneSurrogate(message, "");
        if (unpaired != null) {
            // echoing it would make the answer unencodable (UTF-8 has no lone surrogates)
            ClientErrors.log(peer.address() + " " + peer.id(), "a message with an unpaired UTF-16 surrogate in " + unpaired);
            peer.send(new Messages.Error(Messages.MALFORMED, "the message holds an unpaired UTF-16 surrogate (an escape"
                    + " such as \\ud800 without its pair) in " + unpaired + "; text must be valid Unicode"));
            return;
        }
        JsonNode type = message.get("type");
        if (type == null || !type.isString()) {
            peer.send(new Messages.Error(Messages.MALFORMED, "a message needs a string \"type\""));
            return;
        }
        MessageHandler handler = handlers.get(type.stringValue());
        if (handler == null) {
            peer.send(new Messages.Error(Messages.UNKNOWN_TYPE,
                    "unknown message type \"" + type.stringValue() + "\"; known: " + String.join(", ", handlers.keySet())));
            return;
        }
        // a request may carry an "id" (string or number); errors answering it echo the id
        JsonNode idNode = message.get("id");
        Object id = idNode == null || !(idNode.isString() || idNode.isNumber()) ? null
                : idNode.isString() ? idNode.stringValue() : idNode.numberValue();
        try {
            handler.handle(message, peer);
        } catch (ProtocolException e) {
            peer.send(new Messages.Error(e.code(), e.getMessage(), id));
        } catch (RuntimeException e) {
            log.error("handler for '{}' failed on connection {}", type.stringValue(), peer.id(), e);
            peer.send(new Messages.Error(Messages.INTERNAL, "the server failed on this message; see its log", id));
        }
    }
}
