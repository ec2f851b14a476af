package io.cowscope.session.web;

import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import io.cowscope.system.TokenBucket;
import io.cowscope.web.socket.MessageGuard;
import io.cowscope.web.socket.Peer;
import io.cowscope.web.socket.ProtocolException;
import org.springframework.stereotype.Component;

/** Size and rate of every request, before it is parsed: {@code cowscope.session.max-message-bytes}, {@code max-messages-per-second}. */
@Component
class SessionGuard implements MessageGuard {
    private static final String BUCKET = SessionGuard.class.getName() + ".bucket";

    private final SessionProperties properties;

    SessionGuard(SessionProperties properties) {
        this.properties = properties;
    }

    @Override
    public void admit(String text, Peer peer) {
        if (text.length() > properties.maxMessageBytes()) {
            throw new ProtocolException(SessionException.LIMIT, "a message of " + text.length()
                    + " characters is larger than " + properties.maxMessageBytes()
                    + " (cowscope.session.max-message-bytes)");
        }
        TokenBucket b = (TokenBucket) peer.attributes().computeIfAbsent(BUCKET, k -> new TokenBucket(properties.maxMessagesPerSecond()));
        if (!b.take()) {
            throw new ProtocolException(SessionException.LIMIT, "more than " + properties.maxMessagesPerSecond()
                    + " messages per second (cowscope.session.max-messages-per-second); this one was dropped");
        }
    }

}
