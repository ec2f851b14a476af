package io.cowscope.system;

import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat answers some requests itself, before any filter runs: a 400 for a path that normalises
 * outside the root (an encoded {@code ..}, {@code /%2e%2e/}), and errors of requests that map to
 * no context. Its error report valve renders those pages; this one sets the same security headers
 * as {@link SecurityHeadersFilter} first (issue 14 #8), and shows no server version or stack trace.
 */
@Component
class ErrorPageHeaders implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(HeadersErrorReportValve.class.getName());
            } else if (context.getParent() instanceof Host host) {
                host.getPipeline().addValve(new HeadersErrorReportValve());
            }
        });
    }

    /** Tomcat's error report valve, with the security headers on every page it writes. */
    public static class HeadersErrorReportValve extends ErrorReportValve {
        public HeadersErrorReportValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            HttpServletResponse http = response.getResponse();
            if (!response.isCommitted() && http.getHeader("Content-Security-Policy") == null) {
                String nonce = SecurityHeadersFilter.newNonce();
                http.setHeader("Content-Security-Policy", SecurityHeadersFilter.policy(request, false, nonce));
                http.setHeader("X-Frame-Options", "DENY");
                http.setHeader("X-Content-Type-Options", "nosniff");
                http.setHeader("Referrer-Policy", "no-referrer");
            }
            super.report(request, response, throwable);
        }
    }
}
