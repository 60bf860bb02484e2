package exo.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    @Test
    void writesBytesThrough() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Console c = Console.capturing(sink);
        c.write('h');
        c.write("ello".getBytes(StandardCharsets.US_ASCII), 0, 4);
        c.write(0x1FF);
        assertEquals("hello\u00ff", sink.toString(StandardCharsets.ISO_8859_1), "only the low byte is written");
        assertEquals(-1, c.read(), "a capturing console has no input");
    }

    @Test
    void readsBytesThenEndOfInputAndFlushesOutputFirst() {
        StringBuilder events = new StringBuilder();
        OutputStream out = new OutputStream() {
            @Override public void write(int b) { events.append((char) b); }
            @Override public void flush() { events.append('|'); }
        };
        Console c = new Console(out, new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF}));
        c.write('>');
        assertEquals('a', c.read());
        assertEquals(0xFF, c.read(), "bytes are 0..255");
        assertEquals(-1, c.read());
        assertEquals(">|||", events.toString(), "a prompt is visible before the guest waits for input");
    }

    @Test
    void failingInputReadsAsEndOfInputAndFailingOutputIsReported() {
        InputStream broken = new InputStream() {
            @Override public int read() throws IOException { throw new IOException("gone"); }
        };
        OutputStream full = new OutputStream() {
            @Override public void write(int b) throws IOException { throw new IOException("disk full"); }
        };
        assertEquals(-1, new Console(OutputStream.nullOutputStream(), broken).read());
        assertThrows(UncheckedIOException.class, () -> new Console(full, InputStream.nullInputStream()).write('x'));
    }
}
