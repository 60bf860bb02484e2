# blocks: a disk block that outlives the program. The first run allocates a block, writes a
# page to it, records the block and its capability in the disk's root block and flushes; every
# later run with the same image finds them there and reads the page back. Run it twice:
#   exo run --disk blocks.img --disk-create 64K guest-programs/src/blocks.s
#   exo run --disk blocks.img guest-programs/src/blocks.s
# Without a disk it says so and exits with status 2.
# expect: blocks: no disk; run with --disk IMAGE (and --disk-create 64K the first time)
# status: 2
        .include "libos/libos.inc"
        .extern printf, puts, vm_alloc, disk_read, disk_write, disk_flush, memcpy
.equ MAGIC, 0x534b4c42          # "BLKS": the root block holds our record
.equ R_MAGIC, 0                 # root block layout
.equ R_BLOCK, 4
.equ R_CAPLO, 8
.equ R_CAPHI, 12
.equ R_RUNS, 16

        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sys_blk_root
        li      t0, E_NODEV
        beq     a0, t0, nodisk
        bltz    a0, fail
        mv      s1, a0                  # s1 = root block, s2/s3 = its capability
        mv      s2, a1
        mv      s3, a2
        li      a0, 2
        call    vm_alloc
        mv      s4, a0                  # s4 = the root's page, s4 + 4096 = the data page
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        call    disk_read
        bnez    a0, fail
        lw      t0, R_MAGIC(s4)
        li      t1, MAGIC
        beq     t0, t1, again
# First run: a new block, a page written to it, the record in the root block, all flushed.
        li      a0, -1
        sys_blk_alloc
        bltz    a0, fail
        sw      a0, R_BLOCK(s4)
        sw      a1, R_CAPLO(s4)
        sw      a2, R_CAPHI(s4)
        li      t0, MAGIC
        sw      t0, R_MAGIC(s4)
        li      t0, 1
        sw      t0, R_RUNS(s4)
        li      t0, PAGE_SIZE
        add     s5, s4, t0              # s5 = the data page
        mv      a0, s5
        la      a1, message
        la      a2, message_end
        sub     a2, a2, a1
        call    memcpy
        lw      a0, R_BLOCK(s4)
        lw      a1, R_CAPLO(s4)
        lw      a2, R_CAPHI(s4)
        mv      a3, s5
        call    disk_write
        bnez    a0, fail
        call    save_root
        bnez    a0, fail
        la      a0, m_first
        lw      a1, R_BLOCK(s4)
        call    printf
        li      a0, 0
        j       out
# Later runs: the block named in the root block, read back with the capability kept there.
again:
        li      t0, PAGE_SIZE
        add     s5, s4, t0
        lw      a0, R_BLOCK(s4)
        lw      a1, R_CAPLO(s4)
        lw      a2, R_CAPHI(s4)
        mv      a3, s5
        call    disk_read
        bnez    a0, fail
        lw      t0, R_RUNS(s4)
        addi    t0, t0, 1
        sw      t0, R_RUNS(s4)
        call    save_root
        bnez    a0, fail
        la      a0, m_again
        lw      a1, R_RUNS(s4)
        lw      a2, R_BLOCK(s4)
        mv      a3, s5
        call    printf
        li      a0, 0
        j       out
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       out
fail:   mv      s5, a0
        la      a0, m_fail
        mv      a1, s5
        call    printf
        li      a0, 1
out:    lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# save_root() -> a0: writes the root page (s4) to the root block (s1, s2/s3) and flushes.
save_root:
        enter   16
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        call    disk_write
        bnez    a0, 9f
        call    disk_flush
9:      leave   16

        .rodata
message:  .asciz "written by the first run of blocks.s"
message_end:
m_first:  .asciz "run 1: block %d allocated, written and flushed\n"
m_again:  .asciz "run %d: block %d read back: %s\n"
m_nodisk: .asciz "blocks: no disk; run with --disk IMAGE (and --disk-create 64K the first time)"
m_fail:   .asciz "blocks: disk error %d\n"
