package io.cowscope.engine.op;

/**
 * {@code VAR}, {@code VAR[i]} or {@code VAR[i..j]} (inclusive). {@code first} and {@code last} are
 * null for the whole mapping; for one page they are equal.
 */
public record Target(String var, Integer first, Integer last) {
    public static Target whole(String var) {
        return new Target(var, null, null);
    }

    public static Target page(String var, int i) {
        return new Target(var, i, i);
    }

    public static Target range(String var, int i, int j) {
        return new Target(var, i, j);
    }

    public boolean isWhole() {
        return first == null;
    }
}
