# The baseline's file system running out: on a 32K image (5 data blocks), /big grows 4 KiB at a
# time until FS_ENOSPC; a write past 1 GiB is FS_EFBIG; files are made until the 64-inode table
# is full; /big removed and synced gives its blocks back. Each line: a label and a result.
        .include "unix/unix.inc"
        .include "libos/fs.inc"
        .extern fs_open, fs_close, fs_write, fs_seek, fs_unlink, fs_sync
        .text
        .globl  main
main:
        push    ra, s0, s1
        la      a0, p_big
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        mv      s0, a0
        li      s1, 0
1:      mv      a0, s0
        la      a1, buf
        li      a2, 4096
        call    fs_write
        bltz    a0, 2f
        addi    s1, s1, 1
        j       1b
2:      la      a1, l_enospc
        call    show
        mv      a0, s1
        la      a1, l_blocks
        call    show
        mv      a0, s0
        li      a1, 0x40000000
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s0
        la      a1, buf
        li      a2, 1
        call    fs_write
        la      a1, l_efbig
        call    show
        mv      a0, s0
        call    fs_close
        li      s1, 0
3:      andi    t0, s1, 15              # names /nXY, X and Y from s1
        addi    t0, t0, 97
        srli    t1, s1, 4
        addi    t1, t1, 97
        la      t2, p_n
        sb      t1, 2(t2)
        sb      t0, 3(t2)
        la      a0, p_n
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        bltz    a0, 4f
        call    fs_close
        addi    s1, s1, 1
        j       3b
4:      la      a1, l_inodes
        call    show
        mv      a0, s1
        la      a1, l_files
        call    show
        la      a0, p_big
        call    fs_unlink
        la      a1, l_unlink
        call    show
        call    fs_sync
        la      a1, l_sync
        call    show
        la      a0, p_big
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
        bltz    a0, 5f
        la      a0, p_n
        call    fs_unlink               # an inode for /big
        la      a0, p_big
        li      a1, FS_O_CREAT | FS_O_WRONLY
        call    fs_open
5:      mv      s0, a0
        la      a1, buf
        li      a2, 8192
        call    fs_write
        la      a1, l_again
        call    show
        la      a0, l_nl
        call    puts
        li      a0, 0
        pop     ra, s0, s1
        ret

# show(a0 = value, a1 = label): "label value" (the value's sign and decimal digits).
show:   push    ra, s0, s1
        mv      s0, a0
        mv      a0, a1
        call    puts
        la      t0, digits + 15
        mv      t2, s0
        bgez    s0, 1f
        sub     s0, zero, s0
1:      li      t1, 10
        remu    t3, s0, t1
        divu    s0, s0, t1
        addi    t3, t3, 48
        addi    t0, t0, -1
        sb      t3, 0(t0)
        bnez    s0, 1b
        bgez    t2, 2f
        li      t3, 45
        addi    t0, t0, -1
        sb      t3, 0(t0)
2:      mv      a0, t0
        call    puts
        pop     ra, s0, s1
        ret

puts:   mv      t0, a0
1:      lbu     t1, 0(t0)
        beqz    t1, 2f
        addi    t0, t0, 1
        j       1b
2:      sub     a2, t0, a0
        mv      a1, a0
        li      a0, 1
        syscall SYS_WRITE
        ret

        .data
p_big:  .asciz "/big"
p_n:    .asciz "/naa"
l_enospc: .asciz "grow "
l_blocks: .asciz "\nblocks "
l_efbig: .asciz "\npast-1GiB "
l_inodes: .asciz "\ncreate "
l_files: .asciz "\nfiles "
l_unlink: .asciz "\nunlink "
l_sync: .asciz "\nsync "
l_again: .asciz "\nwrite-after-sync "
l_nl:   .asciz "\n"
        .align  4
digits: .space  16
        .bss
buf:    .space  8192
