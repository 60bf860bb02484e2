package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What "did you mean" offers, and what it keeps to itself. */
class SuggestTest {
    private static final List<String> COMMANDS = List.of("run", "r", "continue", "c", "until", "u", "advance", "break", "b",
            "tbreak", "tb", "finish", "fin", "xp", "x", "bt", "backtrace");

    @Test
    void slipsOfTheFingerAreOffered() {
        assertEquals("continue", Suggest.nearest("contnue", COMMANDS));
        assertEquals("finish", Suggest.nearest("fnish", COMMANDS));
        assertEquals("break", Suggest.nearest("braek", COMMANDS));
        assertEquals("tbreak", Suggest.nearest("tbrek", COMMANDS));
        assertEquals("lw", Suggest.nearest("lodw", List.of("lw", "la", "lb", "lbu")));
        assertEquals("add", Suggest.nearest("adf", List.of("add", "and")));
    }

    @Test
    void aOneLetterAbbreviationIsNotOfferedForAWordThatSharesALetter() {
        assertNull(Suggest.nearest("up", COMMANDS));
        assertNull(Suggest.nearest("brk", COMMANDS));
        assertEquals("x", Suggest.nearest("x", COMMANDS));
    }

    @Test
    void replacedLettersMakeAnotherWord() {
        assertNull(Suggest.nearest("thread", COMMANDS));
        assertNull(Suggest.nearest("foo", COMMANDS));
        assertNull(Suggest.nearest("bg", COMMANDS));
    }

    @Test
    void tiesGoToTheFirstAlphabetically() {
        assertEquals("abd", Suggest.nearest("abcd", List.of("acd", "abd")));
    }

    @Test
    void theWordingIsShared() {
        assertEquals("; did you mean 'continue'?", Suggest.didYouMean("contnue", COMMANDS));
        assertEquals("", Suggest.didYouMean("frobnicate", COMMANDS));
    }
}
