package io.cowscope.engine;

import java.util.Map;

/**
 * One thing that happened in a step. {@code kind} qualifies it (fault: read / write / unshare / swapin;
 * hazard: its type). Decision events name the {@code rule}, the kernel {@code function} and the values
 * looked at, both as a sentence ({@code text}) and as {@code values}. pfn -1 / page -1 when not about
 * one page; proc/var null when not about a mapping.
 */
public record Event(EventType type, String kind, String proc, String var, int page, long pfn, String function,
                    Rule rule, String text, Map<String, Object> values) {
    public String ruleCite() {
        return rule == null ? null : rule.cite();
    }
}
