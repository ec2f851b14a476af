package io.cowscope.scenario;

import java.util.List;
import java.util.Objects;

/**
 * A parsed scenario: header lines (in canonical order: the spec's table, stable within a kind) and
 * body statements in source order. Equality ignores positions and comments ({@link Trivia}), so
 * {@code parse(print(x)).equals(x)}.
 *
 * @param endComments comment lines after the last statement ("" = a blank line)
 */
public record Scenario(List<HeaderLine> headerLines, List<Statement> statements, List<String> endComments) {

    public Scenario {
        headerLines = List.copyOf(headerLines);
        statements = List.copyOf(statements);
        endComments = List.copyOf(endComments);
    }

    /** The header with defaults applied. */
    public Header header() {
        return Header.of(headerLines);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scenario s && s.headerLines.equals(headerLines) && s.statements.equals(statements);
    }

    @Override
    public int hashCode() {
        return Objects.hash(headerLines, statements);
    }
}
