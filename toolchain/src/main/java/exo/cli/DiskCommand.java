package exo.cli;

import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.kernel.disk.BlockOwners;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exo disk}: create a disk image, and inspect one without changing it — the kernel's
 * table (both copies, which is current, whether it mounts), blocks by owner, a block's bytes.
 * Inspection opens the image read-only and reads the file as it is: what a run did not flush
 * is not there, exactly as the next run will find it. docs/disks.md.
 */
@Command(name = "disk", mixinStandardHelpOptions = true,
        description = {"Create and inspect disk images (docs/disks.md).",
            "Inspection never writes the image: it shows what the next exo run --disk would mount."},
        subcommands = {DiskCommand.Create.class, DiskCommand.Check.class, DiskCommand.Ls.class, DiskCommand.Dump.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"64:no subcommand, or a bad command line", "N:the subcommand's own (see exo disk COMMAND --help)"})
public final class DiskCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code exo disk} alone: the usage, on standard error, as a bad command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /**
     * Creates path as a new image of bytes and writes an empty table into it (flushed), as
     * {@code exo run --disk-create} and {@code exo disk create} do; never overwrites a file. An
     * image too small for the table is removed again.
     *
     * @throws DiskException EXISTS, CORRUPT (too small) or IO
     */
    static Disk createImage(Path path, long bytes, long seed) {
        return createImage(path, bytes, d -> BlockOwners.format(d, seed));
    }

    /** A new image of bytes at path, prepared by prepare; removed again if prepare refuses it. */
    static Disk createImage(Path path, long bytes, java.util.function.Consumer<Disk> prepare) {
        Disk d = Disk.create(path, bytes);
        try {
            prepare.accept(d);
        } catch (DiskException e) {
            d.close();
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the message below is about the size; a leftover file is named in it
            }
            throw e;
        }
        return d;
    }

    /** The exit code for a disk image that cannot be used, the same for exo run and exo disk (docs/disks.md). */
    static int exitCode(DiskException.Kind kind) {
        return switch (kind) {
            case MISSING -> ExitCodes.NOINPUT;
            case EXISTS -> ExitCodes.CANTCREAT;
            case CORRUPT -> ExitCodes.DATAERR;
            case IO -> ExitCodes.IOERR;
        };
    }

    /** The layout line every inspection starts with. */
    static String layout(Path file, int blocks) {
        int m = BlockOwners.metaBlocks(blocks);
        return file + ": " + blocks + " blocks of " + Disk.BLOCK_SIZE + " bytes; table copy A at " + range(0, m - 1)
                + ", copy B at " + range(m, 2 * m - 1) + ", root block " + 2 * m + ", data " + range(2 * m + 1, blocks - 1);
    }

    private static String range(int first, int last) {
        return first == last ? "block " + first : "blocks " + first + "-" + last;
    }

    /** Runs body on the image opened read-only; a disk failure is one line and its exit code. */
    private static int inspecting(CommandLine.Model.CommandSpec spec, Path file, java.util.function.ToIntFunction<Disk> body) {
        PrintWriter err = spec.commandLine().getErr();
        try (Disk d = Disk.openReadOnly(file)) {
            return body.applyAsInt(d);
        } catch (DiskException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return exitCode(e.kind);
        } finally {
            spec.commandLine().getOut().flush();
            err.flush();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create FILE as a new, empty disk image of SIZE bytes (as exo run --disk-create does): every data block free, the table written twice and flushed.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:created", "64:a bad command line: SIZE not whole 4 KiB blocks or over 1G",
                "65:SIZE too small to hold the kernel's table, a root block and one data block (nothing is left behind)",
                "73:FILE exists already (it is left as it was)", "74:the host cannot create or write FILE"})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the image to create")
        Path file;

        @Parameters(index = "1", paramLabel = "SIZE", converter = RunCommand.DiskSize.class,
                description = "its size: bytes, or with K, M or G (whole 4 KiB blocks, at most 1G)")
        long size;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "seed for the root block's capability tokens, as exo run's --seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try (Disk d = createImage(file, size, seed)) {
                spec.commandLine().getOut().println(layout(file, d.blocks()));
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            } catch (DiskException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                err.flush();
                return exitCode(e.kind);
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check the kernel's metadata in FILE as the next exo run --disk would mount it: each copy of the block table "
                + "(magic, version, checksum, block count, layout, owners and capabilities), which copy is current, the blocks by owner, "
                + "and a one-line verdict. The image is only read."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the image mounts (a damaged copy, as a torn flush leaves, is reported; the next boot rewrites it)",
                "65:the image is corrupt or truncated: exo run --disk would refuse it", "66:FILE does not exist",
                "74:the host cannot read FILE"})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the disk image")
        Path file;

        @Override
        public Integer call() {
            return inspecting(spec, file, this::check);
        }

        private int check(Disk d) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(layout(file, d.blocks()));
            List<BlockOwners.Copy> copies = BlockOwners.inspect(d);
            BlockOwners.Copy current = BlockOwners.current(copies);
            for (BlockOwners.Copy c : copies) {
                String at = "copy " + c.name() + " (" + range(c.first(), c.first() + BlockOwners.metaBlocks(d.blocks()) - 1) + "): ";
                if (!c.valid()) {
                    out.println(at + c.problem());
                    continue;
                }
                BlockOwners t = c.table();
                int differ = c == current || current == null ? 0 : differences(t, current.table());
                String state = c == current ? "current" : differ == 0 ? "older, the same entries"
                        : "older, " + differ + (differ == 1 ? " block entry differs" : " block entries differ") + " from copy " + current.name();
                out.printf("%ssequence %d, boot %d, checksum %08x, valid (%s)%n", at, t.sequence(), t.boots(), t.checksum(), state);
            }
            if (current == null) {
                out.println(file + ": corrupt: neither copy of the block table is valid; exo run --disk refuses this image");
                return ExitCodes.DATAERR;
            }
            BlockOwners t = current.table();
            for (String line : t.ownerLines()) out.println("  " + line);
            BlockOwners.Copy other = copies.get(current == copies.get(0) ? 1 : 0);
            String damage = other.valid() ? "" : "; copy " + other.name() + " is damaged (a torn flush leaves this; the next boot rewrites it)";
            out.println(file + ": consistent: copy " + current.name() + " current, mounted " + t.boots() + (t.boots() == 1 ? " time, " : " times, ") + t.freeBlocks() + " of "
                    + (t.blocks() - t.firstData()) + " data blocks free" + damage);
            return ExitCodes.OK;
        }

        private static int differences(BlockOwners a, BlockOwners b) {
            int n = 0;
            for (int i = 0; i < a.blocks(); i++) {
                if (a.owner(i) != b.owner(i) || a.rwToken(i) != b.rwToken(i) || a.roToken(i) != b.roToken(i)) n++;
            }
            return n;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "List FILE's blocks by owner (the kernel, free, each environment that allocated blocks): how many, and which, "
                + "as the current copy of the kernel's table records them. The image is only read.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "65:the image is corrupt or truncated (exo disk check says how)", "66:FILE does not exist",
                "74:the host cannot read FILE"})
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the disk image")
        Path file;

        @Override
        public Integer call() {
            return inspecting(spec, file, this::list);
        }

        private int list(Disk d) {
            PrintWriter out = spec.commandLine().getOut();
            BlockOwners.Copy current = BlockOwners.current(BlockOwners.inspect(d));
            if (current == null) {
                throw new DiskException(DiskException.Kind.CORRUPT, file + ": not a valid disk image: neither copy of the block table is valid (exo disk check says why)");
            }
            BlockOwners t = current.table();
            out.println(file + ": " + t.blocks() + " blocks, root block " + t.root() + ", " + t.freeBlocks() + " free; copy "
                    + current.name() + " current (sequence " + t.sequence() + ", boot " + t.boots() + ")");
            out.printf("%-18s %7s  %s%n", "owner", "blocks", "ranges");
            for (String line : t.ownerLines()) out.println(line);
            return ExitCodes.OK;
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Print block BLOCK of FILE as a hex dump (offsets within the block; a run of identical lines shown once, then *), "
                + "as the image holds it: what a run did not flush is not there. Works on a corrupt image too.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:dumped", "64:a bad command line: BLOCK is not a number or root, or is outside the image",
                "65:the image's size is not whole blocks (truncated?)", "66:FILE does not exist", "74:the host cannot read FILE"})
    static final class Dump implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the disk image")
        Path file;

        @Parameters(index = "1", paramLabel = "BLOCK", description = "a block number, or root (the root block, wherever the layout puts it)")
        String block;

        @Override
        public Integer call() {
            int b;
            if (block.equals("root")) {
                b = -1;
            } else {
                try {
                    b = Integer.parseInt(block);
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "BLOCK: '" + block + "' is not a block number or root");
                }
                if (b < 0) throw new CommandLine.ParameterException(spec.commandLine(), "BLOCK: " + b + " is not a block number");
            }
            return inspecting(spec, file, d -> dump(d, b));
        }

        private int dump(Disk d, int wanted) {
            int b = wanted < 0 ? 2 * BlockOwners.metaBlocks(d.blocks()) : wanted;
            if (b >= d.blocks()) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + file + ": block " + b + " is outside the image (blocks 0-" + (d.blocks() - 1) + ")");
                return ExitCodes.USAGE;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(file + ": block " + b + " (" + role(d, b) + "), bytes " + (long) b * Disk.BLOCK_SIZE + "-" + ((long) (b + 1) * Disk.BLOCK_SIZE - 1) + " of the file");
            byte[] data = new byte[Disk.BLOCK_SIZE];
            d.readBlock(b, data);
            hexDump(out, data);
            return ExitCodes.OK;
        }

        /** What block b is, by the layout and the current table (if one is valid). */
        private static String role(Disk d, int b) {
            int m = BlockOwners.metaBlocks(d.blocks());
            if (b < m) return "table copy A";
            if (b < 2 * m) return "table copy B";
            String kind = b == 2 * m ? "root block" : "data block";
            BlockOwners.Copy current;
            try {
                current = BlockOwners.current(BlockOwners.inspect(d));
            } catch (DiskException e) {
                current = null;
            }
            if (current == null) return kind + ", owner unknown: the table is not valid";
            return kind + ", " + BlockOwners.ownerName(current.table().owner(b));
        }
    }

    /** xxd-style lines of 16 bytes; a run of lines equal to the one before is shown as one *. */
    static void hexDump(PrintWriter out, byte[] data) {
        boolean squeezing = false;
        for (int at = 0; at < data.length; at += 16) {
            if (at > 0 && java.util.Arrays.equals(data, at, at + 16, data, at - 16, at)) {
                if (!squeezing) out.println("*");
                squeezing = true;
                continue;
            }
            squeezing = false;
            StringBuilder hex = new StringBuilder(), text = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                int v = data[at + i] & 0xFF;
                hex.append(String.format("%02x ", v));
                if (i == 7) hex.append(' ');
                text.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
            }
            out.printf("%08x  %s |%s|%n", at, hex, text);
        }
        out.printf("%08x%n", data.length);
    }
}
