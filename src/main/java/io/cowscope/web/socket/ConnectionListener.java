package io.cowscope.web.socket;

/** Told when a connection has closed, so that per-connection state elsewhere can be let go. */
public interface ConnectionListener {
    /** the connection of {@code peer} is closed; sending to it does nothing */
    void closed(Peer peer);
}
