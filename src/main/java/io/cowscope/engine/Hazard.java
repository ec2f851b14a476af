package io.cowscope.engine;

import java.util.List;

/** A hazard raised at a step, with one sentence and the objects involved (pfns, "proc.var[i]", handles, pipes). */
public record Hazard(HazardType type, int step, String text, List<Long> pfns, List<String> involved) {
}
