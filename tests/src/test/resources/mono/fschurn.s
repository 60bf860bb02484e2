# A write workload for MonoFsCrashTest, which kills the host at random moments of it: round i
# writes /d/fK (K = i mod 8) afresh, renames it over /d/gK, removes /d/g(K+4), makes and removes
# a directory, and syncs every fourth round. After the first sync it prints "churning"; it runs
# until killed.
        .include "unix/unix.inc"
        .include "libos/fs.inc"
        .extern fs_mount, fs_open, fs_close, fs_write, fs_mkdir, fs_unlink, fs_rename, fs_sync
        .text
        .globl  main
main:
        push    ra, s0, s1
        la      a0, p_d
        call    fs_mkdir
        li      s0, 0
1:      andi    t0, s0, 7
        addi    t0, t0, 48
        la      t1, p_f
        sb      t0, 4(t1)
        la      t1, p_g
        sb      t0, 4(t1)
        la      a0, p_f
        li      a1, FS_O_CREAT | FS_O_WRONLY | FS_O_TRUNC
        call    fs_open
        bltz    a0, 9f
        mv      s1, a0
        la      a1, buf
        addi    a2, s0, 1               # sizes grow: 6,000 + i mod 8,192 bytes
        li      t0, 8191
        and     a2, a2, t0
        li      t0, 6000
        add     a2, a2, t0
        call    fs_write
        bltz    a0, 9f
        mv      a0, s1
        call    fs_close
        la      a0, p_f
        la      a1, p_g
        call    fs_rename
        bltz    a0, 9f
        addi    t0, s0, 4
        andi    t0, t0, 7
        addi    t0, t0, 48
        la      t1, p_g
        sb      t0, 4(t1)
        la      a0, p_g
        call    fs_unlink
        la      a0, p_e
        call    fs_mkdir
        la      a0, p_e
        call    fs_unlink
        andi    t0, s0, 3
        bnez    t0, 2f
        call    fs_sync
        bltz    a0, 9f
        bnez    s0, 2f
        li      a0, 1
        la      a1, churning
        li      a2, 9
        syscall SYS_WRITE
2:      addi    s0, s0, 1
        j       1b
9:      li      a0, 1
        pop     ra, s0, s1
        ret

        .data
p_d:    .asciz "/d"
p_e:    .asciz "/d/e"
p_f:    .asciz "/d/f0"
p_g:    .asciz "/d/g0"
churning: .ascii "churning\n"
        .bss
buf:    .space  16384
