package io.cowscope.scenario;

import java.util.List;

/**
 * Where a header line or statement came from, and the comments around it. Not part of equality:
 * {@code parse(print(x)).equals(x)} compares what the scenario says, not where it was written.
 *
 * @param leading comment lines just above it (without '#'); "" stands for one blank line kept
 * @param trailing the comment at the end of its line (without '#'), or null
 */
public record Trivia(int line, int column, String source, List<String> leading, String trailing) {
    public static final Trivia NONE = new Trivia(0, 0, "", List.of(), null);

    public Trivia {
        leading = List.copyOf(leading);
    }
}
