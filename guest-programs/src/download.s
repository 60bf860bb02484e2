# download: the library OS's page-table lookup downloaded into the kernel (vm_download_lookup,
# docs/libos.md). Writes a word into each of 300 fresh pages (first touches: declined by the
# downloaded code, served by vm_entry), drops every binding with tlb_flush -1, reads them all
# back (each miss filled in the kernel by the downloaded code, with no upcall), then reads a page
# protected against access: the downloaded code declines, and the program's handler unprotects
# it. With either page table the output is the same.
# Usage: download [pages]
# args: 300
# expect: downloaded: 0
# expect: sum: 44850 (expected 44850)
# expect: faults: 1, page 5 holds 5
        .include "libos/libos.inc"
        .extern printf, vm_alloc, vm_download_lookup, vm_protect_none, vm_unprotect
        .extern vm_set_light_fault_handler, arg_int
        .data
        .align  4
base:   .word 0
faults: .word 0
        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        li      a2, 1
        li      a3, 300
        call    arg_int                 # pages: argv[1], default 300
        mv      s1, a0
        mv      a0, s1
        call    vm_alloc
        swg     a0, base, t0
        li      a0, 1
        call    vm_download_lookup
        mv      a1, a0
        la      a0, m_down
        call    printf
        lwg     t0, base                # page i holds i
        li      t1, 0
1:      sw      t1, 0(t0)
        addi    t0, t0, PAGE_SIZE
        addi    t1, t1, 1
        bne     t1, s1, 1b
        li      a0, -1
        sys_tlb_flush                   # no binding left in the TLB or the STLB
        lwg     t0, base
        li      t1, 0
        li      s2, 0                   # the sum
2:      lw      t2, 0(t0)
        add     s2, s2, t2
        addi    t0, t0, PAGE_SIZE
        addi    t1, t1, 1
        bne     t1, s1, 2b
        addi    t0, s1, -1              # expected: n(n-1)/2
        mul     t0, t0, s1
        srli    a2, t0, 1
        mv      a1, s2
        la      a0, m_sum
        call    printf
        la      a0, on_fault
        call    vm_set_light_fault_handler
        lwg     s3, base
        addi    s3, s3, 5 * PAGE_SIZE
        mv      a0, s3
        li      a1, 1
        call    vm_protect_none
        lw      a2, 0(s3)               # faults once; the handler unprotects
        lwg     a1, faults
        la      a0, m_faults
        call    printf
        li      a0, 0
        call    vm_download_lookup
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# on_fault(frame, va, cause): counts the fault, unprotects the page, retries.
on_fault:
        enter   16
        lwg     t0, faults
        addi    t0, t0, 1
        swg     t0, faults, t1
        mv      a0, a1
        li      a1, 1
        call    vm_unprotect
        li      a0, 1
        leave   16

        .rodata
m_down:   .asciz "downloaded: %d\n"
m_sum:    .asciz "sum: %d (expected %d)\n"
m_faults: .asciz "faults: %d, page 5 holds %d\n"
