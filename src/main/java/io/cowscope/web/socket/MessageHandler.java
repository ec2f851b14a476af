package io.cowscope.web.socket;

import tools.jackson.databind.JsonNode;

/**
 * Handles one message type. Every Spring bean of this type is registered with the
 * {@link MessageDispatcher} under its {@link #type()}; a new message type is a new bean.
 */
public interface MessageHandler {
    /** the value of the message's {@code "type"} field that this handler takes */
    String type();

    /**
     * Handles one message, an object whose {@code type} is {@link #type()}; answers through
     * {@code peer}. Throws {@link ProtocolException} to answer with an error message.
     */
    void handle(JsonNode message, Peer peer);
}
