# tlb: TLB misses. Variant (argv[2]) 0: 256 pages bound with tlb_write (so cached in the STLB)
# are read round robin, N reads; with 64 hardware entries and random replacement about 98% of
# the reads miss and the kernel refills them from the STLB. ops = reads.
# Variant 1: each iteration drops one page's binding (tlb_flush, from the TLB and the STLB) and
# reads it: the miss is forwarded to the application's handler, which looks the page up in its
# own table and installs it with tlb_write; the read retries. ops = misses the handler filled.
        .include "exo/kernel.inc"
        .include "harness.inc"
.equ VBASE, 0x40000000
.equ PAGES, 256
        .data
        .align  64
save:   .word 0, 0, 0, 0                # the save area
        .word 0, 0, 0, 0, 0, 0, 0       # save + 16: a0..a4, t0, and misses filled (+40)
        .align  4
table:  .space  PAGES * 12              # the application's page table: ppn, capability (2 words)
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        li      a0, 0
        li      a1, 0
        li      a2, 0
        la      a3, save
        syscall SYS_ENV_SET_SAVE_AREA
        bnez    a0, fail
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, CAUSE_TLB_LOAD
        la      a4, on_miss
        syscall SYS_ENV_SET_HANDLER
        bnez    a0, fail
        li      s2, 0                   # allocate and bind every page
        la      s3, table
1:      li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        syscall SYS_PAGE_ALLOC
        bltz    a0, fail
        sw      a0, 0(s3)
        sw      a1, 4(s3)
        sw      a2, 8(s3)
        slli    a0, s2, 12
        li      t0, VBASE
        add     a0, a0, t0
        lw      a1, 0(s3)
        lw      a2, 4(s3)
        lw      a3, 8(s3)
        li      a4, TLB_W
        syscall SYS_TLB_WRITE
        bnez    a0, fail
        addi    s3, s3, 12
        addi    s2, s2, 1
        li      t0, PAGES
        bne     s2, t0, 1b
        li      s2, 0                   # i
        li      s3, VBASE               # the page read next
        bnez    s1, forwarded
        call    bench_begin
1:      lw      t1, 0(s3)
        addi    s3, s3, 4096
        li      t0, VBASE + PAGES * 4096
        bne     s3, t0, 2f
        li      s3, VBASE
2:      addi    s2, s2, 1
        bne     s2, s0, 1b
        call    bench_end
        mv      a0, s2
        j       report
forwarded:
        call    bench_begin
1:      mv      a0, s3
        syscall SYS_TLB_FLUSH
        lw      t1, 0(s3)
        addi    s3, s3, 4096
        li      t0, VBASE + PAGES * 4096
        bne     s3, t0, 2f
        li      s3, VBASE
2:      addi    s2, s2, 1
        bne     s2, s0, 1b
        call    bench_end
        la      t0, save
        lw      a0, 40(t0)
report: call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3
        ret

# on_miss: k0 = EPC, k1 = the save area. Looks the page up in the table, installs it with
# tlb_write and retries the read. Preserves every register but k0 and k1.
on_miss:
        sw      a0, 16(k1)
        sw      a1, 20(k1)
        sw      a2, 24(k1)
        sw      a3, 28(k1)
        sw      a4, 32(k1)
        sw      t0, 36(k1)
        lw      a0, SAVE_BADVADDR(k1)
        li      t0, VBASE
        sub     a1, a0, t0
        srli    a1, a1, 12              # page index
        sltiu   t0, a1, PAGES
        beqz    t0, 1f                  # not ours: a real fault, leave the handler busy
        li      t0, 12
        mul     a1, a1, t0
        la      t0, table
        add     t0, t0, a1
        srli    a0, a0, 12
        slli    a0, a0, 12
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        li      a4, TLB_W
        syscall SYS_TLB_WRITE
        lw      t0, 40(k1)
        addi    t0, t0, 1
        sw      t0, 40(k1)
        lw      a0, 16(k1)
        lw      a1, 20(k1)
        lw      a2, 24(k1)
        lw      a3, 28(k1)
        lw      a4, 32(k1)
        lw      t0, 36(k1)
        sw      zero, SAVE_BUSY(k1)
        jr      k0
1:      li      a0, 71
        syscall SYS_ENV_EXIT
