package io.cowscope.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Interned page contents. A page's content is an int "version": the text, who wrote it and at which
 * step (for the leak detector, kernel-model.md §8). A bulk write of 262,144 pages makes one version.
 * Version 0 is the empty page ("", no writer).
 */
final class ContentTable {
    static final int NOBODY = -1, DEVICE = -2, KSM = -3, DISK = -4;
    static final byte SHARED = 1;

    final ArrayList<String> texts;
    final HashMap<String, Integer> textIds;
    int[] vText, vWriter, vStep;
    byte[] vFlags;
    int n;

    ContentTable() {
        texts = new ArrayList<>();
        textIds = new HashMap<>();
        vText = new int[64];
        vWriter = new int[64];
        vStep = new int[64];
        vFlags = new byte[64];
        intern("");
        newVersion("", NOBODY, -1, false);
    }

    ContentTable(ContentTable o) {
        texts = new ArrayList<>(o.texts);
        textIds = new HashMap<>(o.textIds);
        vText = o.vText.clone();
        vWriter = o.vWriter.clone();
        vStep = o.vStep.clone();
        vFlags = o.vFlags.clone();
        n = o.n;
    }

    int intern(String s) {
        Integer id = textIds.get(s);
        if (id != null) return id;
        texts.add(s);
        textIds.put(s, texts.size() - 1);
        return texts.size() - 1;
    }

    int newVersion(String text, int writer, int step, boolean shared) {
        if (n == vText.length) {
            int c = n * 2;
            vText = Arrays.copyOf(vText, c);
            vWriter = Arrays.copyOf(vWriter, c);
            vStep = Arrays.copyOf(vStep, c);
            vFlags = Arrays.copyOf(vFlags, c);
        }
        vText[n] = intern(text);
        vWriter[n] = writer;
        vStep[n] = step;
        vFlags[n] = shared ? SHARED : 0;
        return n++;
    }

    String text(int version) {
        return texts.get(vText[version]);
    }

    int textId(int version) {
        return vText[version];
    }
}
