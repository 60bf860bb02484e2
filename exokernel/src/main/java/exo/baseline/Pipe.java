package exo.baseline;

/** A pipe: a bounded byte ring in kernel memory, with reader and writer reference counts. */
final class Pipe {
    static final int CAPACITY = 4096;
    private final byte[] ring = new byte[CAPACITY];
    private int head, size;
    int readers = 1, writers = 1;

    int available() {
        return size;
    }

    int space() {
        return CAPACITY - size;
    }

    void put(byte b) {
        ring[(head + size) % CAPACITY] = b;
        size++;
    }

    byte take() {
        byte b = ring[head];
        head = (head + 1) % CAPACITY;
        size--;
        return b;
    }
}
