package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Candidate writes out equals and hashCode; they must still cover every component. */
class CandidateTest {

    private static final Object[] BASE = {1, 2L, 3L, Selection.IDLE_IN_TRANSACTION, "u", "a",
        "d", "127.0.0.1", "s", "idle in transaction", "1s", "q", true, null, null, null};

    private static Object other(Class<?> type, Object value) {
        if (type == int.class) {
            return (Integer) value + 1;
        } else if (type == long.class) {
            return (Long) value + 1;
        } else if (type == boolean.class) {
            return !(Boolean) value;
        } else if (type == Selection.class) {
            return Selection.LONG_RUNNING;
        } else if (type == Integer.class) {
            return 7;
        } else if (type == List.class) {
            return List.of(7);
        }
        return value + "x";
    }

    @Test
    void everyComponentTakesPartInEquality() throws Exception {
        RecordComponent[] components = Candidate.class.getRecordComponents();
        assertEquals(BASE.length, components.length, "a component was added: extend BASE");
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        Constructor<Candidate> canonical = Candidate.class.getDeclaredConstructor(types);
        Candidate base = canonical.newInstance(BASE);
        assertEquals(base, canonical.newInstance(BASE.clone()));
        assertEquals(base.hashCode(), canonical.newInstance(BASE.clone()).hashCode());
        for (int i = 0; i < components.length; i++) {
            Object[] changed = BASE.clone();
            changed[i] = other(types[i], BASE[i]);
            assertNotEquals(base, canonical.newInstance(changed), components[i].getName());
        }
    }
}
