# vm: the Appel & Li virtual-memory set with mprotect and SIGSEGV. 100 pages mmapped at VBASE.
# protect(i) is mprotect(page, PROT_NONE), unprotect(i) mprotect(page, PROT_READ|PROT_WRITE);
# the 100-page variants use one mprotect of the whole range, as a Unix program would. A
# protection trap is a SIGSEGV whose handler applies the variant's policy and returns through
# sigreturn, retrying the access. Variants (argv[2]) as in the exokernel's vm.s; 0 (dirty) has
# no Unix equivalent and is not run.
        .include "unix/unix.inc"
        .include "harness.inc"
        .macro  page_base reg
        li      \reg, VBASE
        .endm
        .extern signal
.equ VBASE, 0x40000000
.equ PAGES, 100
.equ SCRAMBLE, 37
        .data
        .align  4
traps:  .word 0
open:   .word 0
policy: .word 0
seed:   .word 12345
variants: .word fail, v_prot1, v_prot100, v_unprot100, v_trap, v_appel1, v_appel2
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        la      t0, policy
        sw      s1, 0(t0)
        li      a0, SIGSEGV
        la      a1, on_segv
        call    signal
        li      a0, VBASE
        li      a1, PAGES * 4096
        li      a2, PROT_READ | PROT_WRITE
        syscall SYS_MMAP
        bltz    a0, fail
        li      t0, VBASE               # touch every page once
        li      t1, VBASE + PAGES * 4096
1:      sw      zero, 0(t0)
        addi    t0, t0, 4096
        bne     t0, t1, 1b
        li      s2, 0                   # i
        li      s4, 0                   # ops counted here (prot1, prot100, unprot100)
        slli    t0, s1, 2
        la      t1, variants
        add     t0, t0, t1
        lw      t0, 0(t0)
        jr      t0

        .include "../vm-rows.inc"


# protect(i) / unprotect(i): one mprotect of page i. -> a0 = 0 or -errno.
protect:
        li      a2, 0
        j       1f
unprotect:
        li      a2, PROT_READ | PROT_WRITE
1:      slli    a0, a0, 12
        li      t0, VBASE
        add     a0, a0, t0
        li      a1, 4096
        syscall SYS_MPROTECT
        ret

protect_all:
        li      a2, 0
        j       1f
unprotect_all:
        li      a2, PROT_READ | PROT_WRITE
1:      li      a0, VBASE
        li      a1, PAGES * 4096
        syscall SYS_MPROTECT
        ret

# on_segv(signo, badvaddr, frame, cause): a trap on a protected page; the policy of the
# variant, then return (sigreturn restores the frame and the access retries).
on_segv:
        push    ra, s1
        li      t0, VBASE
        sub     s1, a1, t0
        srli    s1, s1, 12              # the page
        sltiu   t0, s1, PAGES
        beqz    t0, wild
        la      t0, traps
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, policy
        lw      t0, 0(t0)
        li      t1, 5
        bne     t0, t1, 1f
        la      t0, open                # appel1: close the open page, open this one
        lw      a0, 0(t0)
        sw      s1, 0(t0)
        call    protect
1:      mv      a0, s1
        call    unprotect
        pop     ra, s1
        ret
wild:   li      a0, 71
        syscall SYS_EXIT
