package io.cowscope.share;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code title "…"} and {@code description "…"} lines of a scenario (shared/ scenario
 * language), read without the full parser: enough for a page title and OpenGraph tags. Several
 * description lines join with a space. Strings are returned raw; Thymeleaf escapes them.
 */
record ScenarioHeader(Optional<String> title, Optional<String> description) {
    static final int MAX_TITLE = 120;
    static final int MAX_DESCRIPTION = 300;

    static ScenarioHeader of(String text) {
        String title = null;
        List<String> description = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (title == null && line.startsWith("title ")) {
                title = literal(line.substring(6).strip());
            } else if (line.startsWith("description ")) {
                String d = literal(line.substring(12).strip());
                if (d != null) description.add(d);
            }
        }
        return new ScenarioHeader(Optional.ofNullable(title).filter(t -> !t.isBlank()).map(t -> cut(t, MAX_TITLE)),
                description.isEmpty() ? Optional.empty() : Optional.of(cut(String.join(" ", description), MAX_DESCRIPTION)));
    }

    /** The string literal at the start of s ({@code \"} and {@code \\} escapes), or null if there is none. */
    private static String literal(String s) {
        if (!s.startsWith("\"")) return null;
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(next == 'n' ? ' ' : next == 't' ? ' ' : next);
            } else if (c == '"') {
                return out.toString();
            } else {
                out.append(c);
            }
        }
        return null;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1).stripTrailing() + "…";
    }
}
