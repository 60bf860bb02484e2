# fs.inc's file-system API for programs on the baseline kernel: each call is the in-kernel file
# system's system call of the same meaning (docs/baseline.md), so a program written against
# libos/fs.inc runs unchanged here and on the library OS's two file systems. The kernel keeps
# every register but a0, so the shims need no stack frame. The errors are the kernel's negated
# errno values, which are fs.inc's FS_E* numbers.
        .include "unix/unix.inc"
        .text

# fs_mount() -> 0, or FS_ENODEV without a disk. The kernel mounted the disk at boot (a foreign
# or damaged image never boots), so this only asks whether there is one: stat of the root.
        .globl  fs_mount
fs_mount:
        addi    sp, sp, -16
        la      a0, fs_root
        mv      a1, sp
        syscall SYS_STAT
        addi    sp, sp, 16
        bltz    a0, 1f
        li      a0, 0
1:      ret

        .globl  fs_open
fs_open:
        syscall SYS_OPEN
        ret

        .globl  fs_close
fs_close:
        syscall SYS_CLOSE
        ret

# fs_read(fd, buf, len) -> bytes: read() until len bytes, the end of the file, or an error (a
# single read() moves at most 64 KiB).
        .globl  fs_read
fs_read:
        mv      t0, a0
        mv      t1, a1
        mv      t2, a2
        li      t3, 0
1:      beqz    t2, 2f
        mv      a0, t0
        mv      a1, t1
        mv      a2, t2
        syscall SYS_READ
        bltz    a0, 3f
        beqz    a0, 2f
        add     t1, t1, a0
        sub     t2, t2, a0
        add     t3, t3, a0
        j       1b
2:      mv      a0, t3
3:      ret

# fs_write(fd, buf, len) -> len, or an error: write() until all of it is written.
        .globl  fs_write
fs_write:
        mv      t0, a0
        mv      t1, a1
        mv      t2, a2
        li      t3, 0
1:      beqz    t2, 2f
        mv      a0, t0
        mv      a1, t1
        mv      a2, t2
        syscall SYS_WRITE
        bltz    a0, 3f
        add     t1, t1, a0
        sub     t2, t2, a0
        add     t3, t3, a0
        j       1b
2:      mv      a0, t3
3:      ret

        .globl  fs_seek
fs_seek:
        syscall SYS_LSEEK
        ret

        .globl  fs_mkdir
fs_mkdir:
        syscall SYS_MKDIR
        ret

        .globl  fs_readdir
fs_readdir:
        syscall SYS_READDIR
        ret

        .globl  fs_unlink
fs_unlink:
        syscall SYS_UNLINK
        ret

        .globl  fs_rename
fs_rename:
        syscall SYS_RENAME
        ret

        .globl  fs_stat
fs_stat:
        syscall SYS_STAT
        ret

        .globl  fs_fsync
fs_fsync:
        syscall SYS_FSYNC
        ret

        .globl  fs_sync
fs_sync:
        syscall SYS_SYNC
        ret

# fs_check() -> problems found: the kernel's consistency check prints one line per problem.
        .globl  fs_check
fs_check:
        syscall SYS_FSCK
        ret

        .globl  fs_kind
fs_kind:
        la      a0, fs_name
        ret

        .data
fs_root: .asciz "/"
fs_name: .asciz "mono"
