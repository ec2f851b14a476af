package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** The large-folio fields of struct folio: entire (PMD) mapcount and pincount; its refcount lives at the head in {@link PageArray}. */
final class Folio {
    final int head;
    int entire; // PMD mappings
    int pincount;

    Folio(int head) {
        this.head = head;
    }
}
