package io.cowscope.engine;

import java.util.ArrayList;

import static io.cowscope.engine.Machine.*;

/** A pipe's buffer: the pages vmsplice put there (each holds a reference) and the processes that filled it. */
final class Pipe {
    final String name;
    final IntList pfns = new IntList();
    final ArrayList<Proc> fillers = new ArrayList<>();

    Pipe(String name) {
        this.name = name;
    }
}
