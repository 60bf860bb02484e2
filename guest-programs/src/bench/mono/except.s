# except: exception dispatch round trip through a signal. Variant (argv[2]): 0 misaligned load
# (SIGBUS), 1 overflow (SIGFPE), 2 divide by zero (SIGFPE), 3 store to a read-only page
# (SIGSEGV, page made read-only by mprotect), 4 breakpoint (SIGTRAP). The kernel pushes the
# full frame, the handler counts the signal and moves the frame's pc past the faulting
# instruction, and returns through the sigreturn trampoline. ops = signals the handler saw.
        .include "unix/unix.inc"
        .include "harness.inc"
        .extern signal
.equ RO_PAGE, 0x40000000
        .data
        .align  4
count:  .word 0
word:   .word 0, 0
signals: .word SIGBUS, SIGFPE, SIGFPE, SIGSEGV, SIGTRAP
        .text
        .globl  main
main:
        push    ra, s0, s1, s2
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        slli    t0, s1, 2
        la      t1, signals
        add     t0, t0, t1
        lw      a0, 0(t0)
        la      a1, handler
        call    signal
        li      a0, RO_PAGE             # a read-only page for the protection fault
        li      a1, 4096
        li      a2, PROT_READ | PROT_WRITE
        syscall SYS_MMAP
        bltz    a0, fail
        li      t0, RO_PAGE
        sw      zero, 0(t0)             # touch it, so the fault is a protection fault
        li      a0, RO_PAGE
        li      a1, 4096
        li      a2, PROT_READ
        syscall SYS_MPROTECT
        bnez    a0, fail
        .include "../except-loops.inc"
done:   call    bench_end
        la      t0, count
        lw      a0, 0(t0)
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2
        ret

# handler(signo, badvaddr, frame, cause): count, resume after the faulting instruction.
handler:
        la      t0, count
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        lw      t1, FRAME_PC(a2)
        addi    t1, t1, 4
        sw      t1, FRAME_PC(a2)
        ret
