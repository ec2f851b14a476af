package io.cowscope.scenario;

import java.util.Objects;

/** A header item with its position and comments; equality is the item's. */
public record HeaderLine(HeaderItem item, Trivia trivia) {
    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderLine h && h.item.equals(item);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(item);
    }

    @Override
    public String toString() {
        return item.toString();
    }
}
