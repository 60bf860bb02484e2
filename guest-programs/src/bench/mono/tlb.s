# tlb: TLB misses filled by the kernel's page-table walk. 256 pages mapped with mmap and touched
# once are read round robin, N reads; with 64 hardware entries and random replacement about 98%
# of the reads miss and the kernel walks its two-level table to refill them. ops = reads.
        .include "unix/unix.inc"
        .include "harness.inc"
.equ VBASE, 0x40000000
.equ PAGES, 256
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3
        call    bench_args
        mv      s0, a0                  # N
        li      a0, VBASE
        li      a1, PAGES * 4096
        li      a2, PROT_READ | PROT_WRITE
        syscall SYS_MMAP
        bltz    a0, fail
        li      s3, VBASE
        li      t0, VBASE + PAGES * 4096
1:      sw      zero, 0(s3)
        addi    s3, s3, 4096
        bne     s3, t0, 1b
        li      s2, 0                   # i
        li      s3, VBASE               # the page read next
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
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3
        ret
