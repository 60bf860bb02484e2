# vm: the Appel & Li virtual-memory set on application-level virtual memory. The program keeps
# its own page table for 100 pages at VBASE (ppn, capability, flags per page). protect(i)
# clears the page's access bit and drops its binding (tlb_flush); unprotect(i) sets it and
# installs the binding again (guarded tlb_write). A miss on a page is forwarded to on_fault:
# an accessible page is simply refilled; a protected one is a protection trap, handled by the
# variant's policy. Variant (argv[2]):
#   0 dirty     look up a random page's dirty bit in the page table; ops = lookups
#   1 prot1     protect one page, then unprotect it; ops = protection changes (2 per iteration)
#   2 prot100   protect 100 pages (timed), unprotect them (untimed); ops = 100-page protections
#   3 unprot100 protect 100 pages (untimed), unprotect them (timed); ops = 100-page unprotections
#   4 trap      protect a page and read it; the handler unprotects it; ops = traps
#   5 appel1    read a random protected page; the handler protects the last page it opened and
#               unprotects the faulting one; ops = traps
#   6 appel2    protect all 100 pages, read each in a scrambled order; the handler unprotects the
#               faulting page; ops = traps (per page, as in the paper)
        .include "exo/kernel.inc"
        .include "harness.inc"
        .macro  page_base reg
        li      \reg, VBASE
        .endm
.equ VBASE, 0x40000000
.equ PAGES, 100
.equ PTE_SIZE, 16
.equ PTE_FLAGS, 12
.equ F_ACCESS, 1
.equ F_DIRTY, 2
.equ SCRAMBLE, 37                       # coprime with PAGES: k*37 mod 100 visits every page
        .data
        .align  64
save:   .word 0, 0, 0, 0                # the save area
        .space  40                      # save + 16: a0..a4, t0..t2, ra, spare
traps:  .word 0
open:   .word 0                         # appel1: the one page left unprotected
policy: .word 0                         # the variant
seed:   .word 12345
        .align  4
table:  .space  PAGES * PTE_SIZE
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        la      t0, policy
        sw      s1, 0(t0)
        li      a0, 0
        li      a1, 0
        li      a2, 0
        la      a3, save
        syscall SYS_ENV_SET_SAVE_AREA
        bnez    a0, fail
        li      s2, CAUSE_TLB_LOAD
1:      li      a0, 0
        li      a1, 0
        li      a2, 0
        mv      a3, s2
        la      a4, on_fault
        syscall SYS_ENV_SET_HANDLER
        bnez    a0, fail
        addi    s2, s2, 1
        li      t0, CAUSE_TLB_STORE + 1
        bne     s2, t0, 1b
        li      s2, 0                   # allocate every page; odd pages are dirty
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
        andi    t0, s2, 1
        slli    t0, t0, 1
        sw      t0, PTE_FLAGS(s3)
        mv      a0, s2
        call    unprotect
        bnez    a0, fail
        addi    s3, s3, PTE_SIZE
        addi    s2, s2, 1
        li      t0, PAGES
        bne     s2, t0, 1b
        li      s2, 0                   # i
        li      s4, 0                   # ops counted here (dirty, prot1, prot100, unprot100)
        slli    t0, s1, 2
        la      t1, variants
        add     t0, t0, t1
        lw      t0, 0(t0)
        jr      t0

v_dirty:
        call    bench_begin
1:      call    random
        slli    t0, a0, 4
        la      t1, table
        add     t0, t0, t1
        lw      t0, PTE_FLAGS(t0)
        andi    t0, t0, F_DIRTY
        addi    s4, s4, 1               # one lookup (dirty or not)
        addi    s2, s2, 1
        bne     s2, s0, 1b
        j       timed_done

        .include "../vm-rows.inc"

        .data
        .align  4
variants: .word v_dirty, v_prot1, v_prot100, v_unprot100, v_trap, v_appel1, v_appel2
        .text


# protect(i): no access to page i: clear its access bit, drop its binding. Uses a0, t0, t1.
protect:
        slli    t0, a0, 4
        la      t1, table
        add     t0, t0, t1
        lw      t1, PTE_FLAGS(t0)
        andi    t1, t1, ~F_ACCESS & 0xFFFF
        sw      t1, PTE_FLAGS(t0)
        slli    a0, a0, 12
        li      t0, VBASE
        add     a0, a0, t0
        syscall SYS_TLB_FLUSH
        ret

# unprotect(i): page i readable and writable: set its access bit, install its binding with
# tlb_write. -> a0 = 0 or an error. Uses a0..a4, t0, t1.
unprotect:
        slli    t0, a0, 4
        la      t1, table
        add     t0, t0, t1
        lw      t1, PTE_FLAGS(t0)
        ori     t1, t1, F_ACCESS
        sw      t1, PTE_FLAGS(t0)
bind:   slli    a0, a0, 12
        li      t1, VBASE
        add     a0, a0, t1
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        li      a4, TLB_W
        syscall SYS_TLB_WRITE
        ret

protect_all:
        push    ra, s1
        li      s1, 0
1:      mv      a0, s1
        call    protect
        addi    s1, s1, 1
        li      t0, PAGES
        bne     s1, t0, 1b
        pop     ra, s1
        ret

unprotect_all:
        push    ra, s1
        li      s1, 0
1:      mv      a0, s1
        call    unprotect
        addi    s1, s1, 1
        li      t0, PAGES
        bne     s1, t0, 1b
        pop     ra, s1
        ret

# on_fault: k0 = EPC, k1 = the save area. A miss on an accessible page is refilled; a miss on
# a protected one is a trap, handled by the variant's policy; then the access retries.
# Preserves every register but k0 and k1.
on_fault:
        sw      a0, 16(k1)
        sw      a1, 20(k1)
        sw      a2, 24(k1)
        sw      a3, 28(k1)
        sw      a4, 32(k1)
        sw      t0, 36(k1)
        sw      t1, 40(k1)
        sw      t2, 44(k1)
        sw      ra, 48(k1)
        lw      t2, SAVE_BADVADDR(k1)
        li      t0, VBASE
        sub     t2, t2, t0
        srli    t2, t2, 12              # the page
        sltiu   t0, t2, PAGES
        beqz    t0, wild
        slli    t0, t2, 4
        la      t1, table
        add     t0, t0, t1
        lw      t1, PTE_FLAGS(t0)
        andi    t1, t1, F_ACCESS
        beqz    t1, 1f
        mv      a0, t2                  # accessible: only the binding was gone
        call    bind
        j       9f
1:      la      t0, traps
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, policy
        lw      t0, 0(t0)
        li      t1, 5
        bne     t0, t1, 2f
        la      t0, open                # appel1: close the open page, open this one
        lw      a0, 0(t0)
        sw      t2, 0(t0)
        call    protect
2:      mv      a0, t2
        call    unprotect
9:      lw      a0, 16(k1)
        lw      a1, 20(k1)
        lw      a2, 24(k1)
        lw      a3, 28(k1)
        lw      a4, 32(k1)
        lw      t0, 36(k1)
        lw      t1, 40(k1)
        lw      t2, 44(k1)
        lw      ra, 48(k1)
        sw      zero, SAVE_BUSY(k1)
        jr      k0
wild:   li      a0, 71
        syscall SYS_ENV_EXIT
