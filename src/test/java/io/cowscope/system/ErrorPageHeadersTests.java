package io.cowscope.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Issue 14 #8: Tomcat's own error pages (a 400 for an encoded ..) had none of the security headers. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:errorpages;DB_CLOSE_DELAY=-1")
class ErrorPageHeadersTests {
    @LocalServerPort
    int port;

    /** the raw response to a request line sent as is (no client normalises the path) */
    private String get(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertSecurityHeaders(String response) {
        String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))).toLowerCase();
        assertThat(head).contains("\r\ncontent-security-policy: default-src 'self'");
        assertThat(head).contains("frame-ancestors 'none'");
        assertThat(head).contains("\r\nx-frame-options: deny");
        assertThat(head).contains("\r\nx-content-type-options: nosniff");
        assertThat(head).contains("\r\nreferrer-policy: no-referrer");
    }

    @Test
    void tomcatsOwnBadRequestPageHasTheHeaders() throws Exception {
        String response = get("/%2e%2e/");
        assertThat(response).startsWith("HTTP/1.1 400");
        assertSecurityHeaders(response);
        assertThat(response).doesNotContain("Apache Tomcat/");
    }

    @Test
    void springsErrorPagesHaveTheHeaders() throws Exception {
        String response = get("/no/such/page");
        assertThat(response).startsWith("HTTP/1.1 404");
        assertSecurityHeaders(response);
        String api = get("/api/links/%20");
        assertThat(api).matches("(?s)HTTP/1.1 4\\d\\d.*");
        assertSecurityHeaders(api);
    }
}
