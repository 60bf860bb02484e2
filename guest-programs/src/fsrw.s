# fsrw: cycles per cached 4 KiB read and write through the library file system with its private
# buffer cache (bcache.s): fs_seek then fs_read, or fs_write, of a block already in the cache,
# 50 rounds each by rdcycle (fsrw.inc). fshare.s measures the same through the shared server
# (docs/disks.md, "A shared buffer cache"). Without a disk it says so and exits with status 2.
#   exo run --disk rw.img --disk-create 16M guest-programs/src/fsrw.s
# disk: 16M
# expect: fsrw: ext, private cache: cycles per cached 4 KiB fs_seek + fs_read {n}, fs_seek + fs_write {n}
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, fs_mount, fs_open, fs_read, fs_write, fs_seek, fs_kind

        .text
        .globl  main
main:
        enter   16
        sw      s1, 0(sp)
        call    fs_mount
        li      t0, FS_ENODEV
        beq     a0, t0, nodisk
        bltz    a0, fail
        la      a0, p_rw
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, fail
        mv      s1, a0
        la      a1, buf
        li      a2, PAGE_SIZE
        call    fs_write
        bltz    a0, fail
        mv      a0, s1
        la      a1, buf
        call    rw_cost
        bltz    a0, fail
        mv      a3, a1
        mv      a2, a0
        call    fs_kind
        mv      a1, a0
        la      a0, m_cost
        call    printf
        li      a0, 0
        j       9f
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       9f
fail:   mv      a1, a0
        la      a0, m_fail
        call    printf
        li      a0, 1
9:      lw      s1, 0(sp)
        leave   16

        .include "fsrw.inc"

        .rodata
p_rw:       .asciz "/rw"
m_cost:     .asciz "fsrw: %s, private cache: cycles per cached 4 KiB fs_seek + fs_read %d, fs_seek + fs_write %d\n"
m_fail:     .asciz "fsrw: file-system error %d\n"
m_nodisk:   .asciz "fsrw: no disk; run with --disk IMAGE (and --disk-create 16M the first time)"

        .bss
        .align  2
buf:        .space PAGE_SIZE
