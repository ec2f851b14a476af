package io.cowscope.web.socket;

import io.cowscope.engine.EngineInfo;
import io.cowscope.system.AppVersion;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"hello","v":1}} → who the server is and which engine it runs. */
@Component
class HelloHandler implements MessageHandler {
    private final HostOffer host;

    /** a server that does not run scenarios natively (tests) */
    HelloHandler() {
        this(() -> null);
    }

    @org.springframework.beans.factory.annotation.Autowired
    HelloHandler(HostOffer host) {
        this.host = host;
    }

    @Override
    public String type() {
        return "hello";
    }

    @Override
    public void handle(JsonNode message, Peer peer) {
        JsonNode v = message.get("v");
        if (v == null || !v.isInt()) {
            throw new ProtocolException(Messages.MALFORMED, "hello needs the protocol version as an integer v");
        }
        if (v.intValue() != Messages.PROTOCOL_VERSION) {
            throw new ProtocolException(Messages.UNSUPPORTED_VERSION,
                    "this server speaks protocol version " + Messages.PROTOCOL_VERSION + ", not " + v.intValue());
        }
        peer.send(new Messages.Hello(AppVersion.serverName(), EngineInfo.VERSION, host.machine()));
    }
}
