# Two processes on the baseline's file system at once: after fork, each writes its own 40 KiB
# file, fsyncs it (sleeping on the disk while the other runs), reads it back and checks every
# byte; the parent then waits for the child and stats both files. Exit 0 when all agree.
        .include "unix/unix.inc"
        .include "libos/fs.inc"
        .extern fs_open, fs_close, fs_read, fs_write, fs_seek, fs_fsync, fs_stat, fork, wait
.equ SIZE, 40960
        .text
        .globl  main
main:
        push    ra, s0, s1
        call    fork
        bltz    a0, 8f
        mv      s0, a0                  # 0 in the child
        la      a0, p_parent
        bnez    s0, 1f
        la      a0, p_child
1:      mv      s1, a0
        addi    a1, s0, 1               # the pattern's seed differs between the two
        call    fill
        mv      a0, s1
        li      a1, FS_O_CREAT | FS_O_RDWR
        call    fs_open
        bltz    a0, 8f
        mv      s1, a0
        la      a1, buf
        li      a2, SIZE
        call    fs_write
        li      t0, SIZE
        bne     a0, t0, 8f
        mv      a0, s1
        call    fs_fsync
        bnez    a0, 8f
        mv      a0, s1
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, back
        li      a2, SIZE
        call    fs_read
        li      t0, SIZE
        bne     a0, t0, 8f
        la      t0, buf
        la      t1, back
        li      t2, SIZE
2:      lbu     t3, 0(t0)
        lbu     t4, 0(t1)
        bne     t3, t4, 8f
        addi    t0, t0, 1
        addi    t1, t1, 1
        addi    t2, t2, -1
        bnez    t2, 2b
        mv      a0, s1
        call    fs_close
        beqz    s0, 9f                  # the child is done
        la      a0, status
        call    wait
        la      t0, status
        lw      t0, 0(t0)
        bnez    t0, 8f
        la      a0, p_child
        la      a1, st
        call    fs_stat
        bnez    a0, 8f
        la      t0, st
        lw      t0, STAT_SIZE(t0)
        li      t1, SIZE
        bne     t0, t1, 8f
9:      li      a0, 0
        pop     ra, s0, s1
        ret
8:      li      a0, 1
        pop     ra, s0, s1
        ret

# fill(_, seed): buf[i] = (i * 7 + seed) & 255.
fill:   la      t0, buf
        li      t1, 0
1:      li      t2, 7
        mul     t2, t1, t2
        add     t2, t2, a1
        add     t3, t0, t1
        sb      t2, 0(t3)
        addi    t1, t1, 1
        li      t2, SIZE
        blt     t1, t2, 1b
        ret

        .data
p_parent: .asciz "/parent"
p_child:  .asciz "/child"
        .align  4
status: .word 0
st:     .space  STAT_BYTES
        .bss
buf:    .space  SIZE
back:   .space  SIZE
