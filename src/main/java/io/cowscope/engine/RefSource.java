package io.cowscope.engine;

/**
 * One reason a page (folio) is referenced: a segment of the UI's refcount bar. {@code kind}: mapping,
 * pmd_mapping, pin, get, pipe, swapcache, lru_batch, page_cache. {@code count}: references it holds
 * (1024 for a pin on a small page). proc/var/index for mappings; {@code holder} = handle or pipe
 * name; cpu for LRU batches (-1 otherwise).
 */
public record RefSource(String kind, int count, String proc, String var, int index, String holder, int cpu) {
}
