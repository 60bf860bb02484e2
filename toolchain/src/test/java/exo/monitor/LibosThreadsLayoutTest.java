package exo.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The thread table layout the monitor reads is the one the library OS defines in libos.inc. */
class LibosThreadsLayoutTest {
    @Test
    void offsetsAndSizesMatchLibosInc() throws Exception {
        String inc = Files.readString(Path.of("..", "guest-runtime", "src", "libos", "libos.inc"));
        Map<String, Integer> equ = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\.equ\\s+(\\w+),\\s*(\\d+)").matcher(inc);
        while (m.find()) equ.put(m.group(1), Integer.parseInt(m.group(2)));
        assertEquals(equ.get("MAX_THREADS"), LibosThreads.MAX_THREADS);
        assertEquals(equ.get("TCB_PC"), LibosThreads.TCB_PC);
        assertEquals(equ.get("TCB_STATE"), LibosThreads.TCB_STATE);
        assertEquals(equ.get("TCB_WAIT"), LibosThreads.TCB_WAIT);
        assertEquals(equ.get("TCB_RESULT"), LibosThreads.TCB_RESULT);
        assertEquals(equ.get("TCB_SIZE"), LibosThreads.TCB_SIZE);
        assertEquals(equ.get("T_FREE"), LibosThreads.T_FREE);
        assertEquals(equ.get("T_READY"), LibosThreads.T_READY);
        assertEquals(equ.get("T_BLOCKED"), LibosThreads.T_BLOCKED);
        assertEquals(equ.get("T_DONE"), LibosThreads.T_DONE);
        // r1..r29 at 4*N: what save_regs stores and the monitor reads as a thread's registers.
        assertTrue(inc.contains("sw      ra, 4(\\base)") && inc.contains("sw      s7, 116(\\base)"), "save_regs layout");
    }
}
