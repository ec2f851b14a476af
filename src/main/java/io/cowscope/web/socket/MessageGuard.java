package io.cowscope.web.socket;

/**
 * Looks at every incoming text frame before it is parsed (size, rate); throws
 * {@link ProtocolException} to refuse it with an error message. The connection stays open.
 */
public interface MessageGuard {
    void admit(String text, Peer peer);
}
