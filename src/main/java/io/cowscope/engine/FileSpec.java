package io.cowscope.engine;

/** {@code file NAME PAGES "content"}: a file of {@code pages} pages, each holding {@code content}. */
public record FileSpec(String name, int pages, String content) {
}
