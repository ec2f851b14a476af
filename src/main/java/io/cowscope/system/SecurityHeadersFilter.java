package io.cowscope.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security headers on every response, error pages included.
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles, fonts and connections from the page's
 *       own origin only, no inline script and no style attribute (the Vite bundle is two files),
 *       WebSockets back to the same host ({@code /ws}, {@code /stomp}); images may be
 *       {@code data:}/{@code blob:} URLs, which the export and QR code make in the browser. One
 *       exception for styles: a {@code <style>} element carrying this response's nonce
 *       ({@code style-src 'nonce-…'}), because the editor (CodeMirror) writes its theme into one
 *       at run time; the pages hand the nonce to the front end in
 *       {@code <meta name="csp-nonce">} (request attribute {@value #NONCE_ATTRIBUTE}). A nonce
 *       allows no script, and no style attribute.
 *   <li>Framing: {@code /embed/…} may be framed by any site ({@code frame-ancestors *}), every
 *       other path by none ({@code frame-ancestors 'none'} and {@code X-Frame-Options: DENY} for
 *       browsers without CSP 2).
 *   <li>{@code X-Content-Type-Options: nosniff}; {@code Referrer-Policy: no-referrer}, so the
 *       path of a short link (its id) never leaves in a Referer header.
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SecurityHeadersFilter extends OncePerRequestFilter {
    static final String NONCE_ATTRIBUTE = "cspNonce";
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String BASE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-%s'; "
            + "img-src 'self' data: blob:; font-src 'self'; worker-src 'self' blob:; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'";
    /** A host name or address that is safe to echo into the policy; anything else is left to 'self'. */
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean embed = isEmbed(request);
        // an error dispatch renders within the same request: it keeps the nonce the header names
        String nonce = request.getAttribute(NONCE_ATTRIBUTE) instanceof String known ? known : newNonce();
        request.setAttribute(NONCE_ATTRIBUTE, nonce);
        response.setHeader("Content-Security-Policy", policy(request, embed, nonce));
        if (!embed) {
            response.setHeader("X-Frame-Options", "DENY");
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }

    /** Error dispatches render pages too; they get the same headers. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    static boolean isEmbed(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/embed") || path.startsWith("/embed/");
    }

    /** 128 random bits, base64: a new one for every response. */
    static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String policy(HttpServletRequest request, boolean embed, String nonce) {
        // 'self' covers ws:/wss: to the same host in CSP 3 browsers; older ones need them spelled out
        StringBuilder connect = new StringBuilder("connect-src 'self'");
        String host = request.getServerName();
        if (host != null && SAFE_HOST.matcher(host).matches()) {
            String authority = host + ":" + request.getServerPort();
            connect.append(" ws://").append(authority).append(" wss://").append(authority);
        }
        return BASE_POLICY.formatted(nonce) + "; " + connect + "; frame-ancestors " + (embed ? "*" : "'none'");
    }
}
