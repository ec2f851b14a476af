package io.cowscope.session;

import io.cowscope.engine.EventType;
import io.cowscope.engine.Machine;
import io.cowscope.engine.Observer;
import io.cowscope.engine.PageView;
import io.cowscope.engine.PteView;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Where {@code run} stops: a step with an event of a type, or a step where a page or PTE field meets a condition. */
public sealed interface Breakpoint {

    /** a step whose events include this type ({@code cow}, {@code fault}, {@code hazard} …; {@code swapin} = swap_in) */
    record OnEvent(EventType type) implements Breakpoint {
        public static OnEvent of(String word) {
            EventType t = EventType.fromWord("swapin".equals(word) ? "swap_in" : word);
            if (t == null) {
                List<String> words = new ArrayList<>();
                for (EventType e : EventType.values()) {
                    words.add(e.word);
                }
                throw new SessionException(SessionException.INVALID,
                        "unknown event type \"" + word + "\"; known: " + String.join(", ", words));
            }
            return new OnEvent(t);
        }
    }

    /**
     * A field of PROC.VAR[page]'s PTE or of the page it maps, compared with {@code ==} / {@code !=}
     * to a value, or {@code changes} (differs from the step before). Fields are the components of
     * the engine's PteView and PageView ({@code refcount}, {@code mapcount}, {@code write},
     * {@code anonExclusive} …); where both have one ({@code pfn}, {@code zero}, {@code dirty}) the
     * PTE's is meant, {@code page.zero} names the page's. A name the machine does not know (yet)
     * reads as null: a process not yet forked never matches {@code ==}.
     */
    record OnCondition(String proc, String var, int page, String field, String op, Object value) implements Breakpoint {
        public OnCondition {
            if (!FIELDS.containsKey(field)) {
                throw new SessionException(SessionException.INVALID, "unknown field \"" + field + "\"; known: "
                        + String.join(", ", FIELDS.keySet()));
            }
            if (!List.of("==", "!=", "changes").contains(op)) {
                throw new SessionException(SessionException.INVALID, "op is ==, != or changes, not \"" + op + "\"");
            }
            if (!"changes".equals(op) && value == null) {
                throw new SessionException(SessionException.MALFORMED, "a condition with " + op + " needs a value");
            }
        }

        /** the field's value on this machine, as a string, long or boolean; null when there is none */
        Object read(Machine m) {
            Observer o = m.observe();
            try {
                RecordComponent c = FIELDS.get(field);
                Object target = c.getDeclaringRecord() == PteView.class ? o.pte(proc, var, page) : o.page(proc, var, page);
                if (target == null) {
                    return null;
                }
                Object v = c.getAccessor().invoke(target);
                return v instanceof Number n ? (Object) n.longValue() : v;
            } catch (IllegalArgumentException e) {
                return null; // a name the machine does not know at this step
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean holds(Object now, Object before) {
            if ("changes".equals(op)) {
                return !Objects.equals(now, before);
            }
            boolean equal = now != null && now.toString().equals(value.toString());
            return "==".equals(op) == equal;
        }
    }

    /** field name → record component; PTE names win, "page.x" / "pte.x" name either explicitly */
    Map<String, RecordComponent> FIELDS = fields();

    private static Map<String, RecordComponent> fields() {
        Map<String, RecordComponent> m = new LinkedHashMap<>();
        for (RecordComponent c : PageView.class.getRecordComponents()) {
            if (c.getType() != List.class) {
                m.put(c.getName(), c);
                m.put("page." + c.getName(), c);
            }
        }
        for (RecordComponent c : PteView.class.getRecordComponents()) {
            m.put(c.getName(), c);
            m.put("pte." + c.getName(), c);
        }
        return m;
    }
}
